import { errors } from './errors';
import { getPath } from './json';
import { KubeObject } from './model';

type Requirement =
  | { op: 'exists' | '!exists'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type Predicate = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) {
    terms.push(current.trim());
  }
  return terms.filter(Boolean);
}

function parseRequirement(term: string): Requirement {
  const setMatch = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    return {
      op: setMatch[2] as 'in' | 'notin',
      key: setMatch[1],
      values: setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v !== ''),
    };
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
  if (cmp) {
    return {
      op: cmp[2] === '!=' ? '!=' : '=',
      key: cmp[1],
      value: cmp[3],
    };
  }
  if (/^![^\s!=()]+$/.test(term)) {
    return { op: '!exists', key: term.slice(1) };
  }
  if (/^[^\s!=()]+$/.test(term)) {
    return { op: 'exists', key: term };
  }
  throw errors.badRequest(
    `unable to parse requirement: found '${term}', expected a label selector requirement`,
  );
}

function matches(req: Requirement, value: string | undefined) {
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case '=':
      return value === req.value;
    case '!=':
      return value !== req.value;
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
    default:
      return false;
  }
}

/** Parses a label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`). */
export function parseLabelSelector(selector: string | null): Predicate {
  if (!selector) {
    return () => true;
  }
  const reqs = splitTerms(selector).map(parseRequirement);
  return obj => reqs.every(req => matches(req, obj.metadata.labels?.[req.key]));
}

/** Fields that can be selected on, besides metadata.name and metadata.namespace. */
const TYPE_FIELDS: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
  ],
  '/secrets': ['type'],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'reason',
    'type',
  ],
  '/namespaces': ['status.phase'],
  'batch/jobs': ['status.successful'],
};

/** Parses a field selector; only fields the real API server supports are accepted. */
export function parseFieldSelector(
  selector: string | null,
  typeKey: string,
  resource: string,
): Predicate {
  if (!selector) {
    return () => true;
  }
  const reqs = splitTerms(selector).map(term => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) {
      throw errors.badRequest(`invalid field selector: '${term}'`);
    }
    const field = m[1];
    const allowed =
      field === 'metadata.name' ||
      field === 'metadata.namespace' ||
      (TYPE_FIELDS[typeKey] ?? []).includes(field);
    if (!allowed) {
      throw errors.badRequest(
        `field label not supported: ${field} (resource ${resource})`,
      );
    }
    return { field, negate: m[2] === '!=', value: m[3].trim() };
  });
  return obj =>
    reqs.every(({ field, negate, value }) => {
      const actual = getPath(obj, field);
      const text =
        actual === undefined || actual === null ? '' : String(actual);
      return negate ? text !== value : text === value;
    });
}
