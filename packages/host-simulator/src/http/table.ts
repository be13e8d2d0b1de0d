import { ClusterApi } from '../api';
import { errors } from '../errors';
import { getPath, isJsonObject } from '../json';
import { KubeObject } from '../model';
import { apiVersionOf } from '../registry';
import { MetadataTarget } from './partialMetadata';
import {
  builtinPrinter,
  Cell,
  Column,
  DEFAULT_PRINTER,
  humanDuration,
  Printer,
} from './printers';
import { ResourceRequest } from './resource';

/**
 * `as=Table` answers, as kubectl asks for them
 * (`application/json;as=Table;v=v1;g=meta.k8s.io,…`).
 *
 * Source: kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go (asTable,
 * optionsForTransform, watchEmbeddedEncoder), the Table types of
 * staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go, and
 * staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresource/tableconvertor
 * for custom resources (additionalPrinterColumns, or an `Age` date column).
 * Each row's `object` is, per `includeObject`, a PartialObjectMetadata
 * (Metadata, the default), the object (Object) or null (None). A watch sends
 * one single-row Table per event, with column definitions on the first only.
 */
type IncludeObject = 'None' | 'Metadata' | 'Object';

/** TableOptions from the query; 400 for an unknown includeObject (ValidateTableOptions). */
export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const value = q.get('includeObject') ?? '';
  if (value === '') {
    return 'Metadata';
  }
  if (value === 'None' || value === 'Metadata' || value === 'Object') {
    return value;
  }
  throw errors.badRequest(
    `Unable to convert to Table as requested: includeObject: Unsupported value: "${value}": supported values: "", "Metadata", "None", "Object"`,
  );
}

/** One step of a simple JSONPath: a field, an index, all items, or an equality filter. */
type Step =
  | { field: string }
  | { index: number }
  | { all: true }
  | { filter: string; equals: string };

/** Parses the JSONPath forms printer columns use (`.a.b`, `[0]`, `[*]`, `[?(@.type=="Ready")]`). */
function parsePath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  const re =
    /^(?:\.([\w-]+)|\[(\d+)\]|\[\*\]|\['([^']+)'\]|\[\?\(@\.([\w.-]+)\s*==\s*["']([^"']*)["']\)\])/;
  let rest = path.trim();
  while (rest) {
    const m = re.exec(rest);
    if (!m) {
      return undefined;
    }
    if (m[1] !== undefined || m[3] !== undefined) {
      steps.push({ field: m[1] ?? m[3] });
    } else if (m[2] !== undefined) {
      steps.push({ index: Number(m[2]) });
    } else if (m[4] !== undefined) {
      steps.push({ filter: m[4], equals: m[5] });
    } else {
      steps.push({ all: true });
    }
    rest = rest.slice(m[0].length);
  }
  return steps;
}

function evaluate(value: unknown, steps: Step[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('field' in step) {
        if (isJsonObject(v) && v[step.field] !== undefined) {
          next.push(v[step.field]);
        }
      } else if ('index' in step) {
        if (Array.isArray(v) && step.index < v.length) {
          next.push(v[step.index]);
        }
      } else if (Array.isArray(v)) {
        next.push(
          ...('all' in step
            ? v
            : v.filter(
                item => String(getPath(item, step.filter)) === step.equals,
              )),
        );
      }
    }
    current = next;
  }
  return current;
}

/** cellForJSONValue, with a string column printing any value. */
function crdCell(type: string, value: unknown, now: number): Cell {
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value))
        ? '<invalid>'
        : humanDuration(now - Date.parse(value));
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return null;
  }
}

/** The printer of a custom resource version, from its CRD's additionalPrinterColumns. */
function crdPrinter(crd: KubeObject, version: string): Printer {
  const versions = getPath(crd, 'spec.versions');
  const versionSpec = (
    Array.isArray(versions) ? versions.filter(isJsonObject) : []
  ).find(v => v.name === version);
  const declared = Array.isArray(versionSpec?.additionalPrinterColumns)
    ? versionSpec.additionalPrinterColumns.filter(isJsonObject)
    : [];
  const specs = declared.length
    ? declared
    : [
        {
          name: 'Age',
          type: 'date',
          jsonPath: '.metadata.creationTimestamp',
          description: DEFAULT_PRINTER.columns[1].description,
        },
      ];
  const columns: Column[] = [
    DEFAULT_PRINTER.columns[0],
    ...specs.map(s => ({
      name: String(s.name ?? ''),
      type: String(s.type ?? ''),
      format: String(s.format ?? ''),
      description: String(s.description ?? ''),
      priority: typeof s.priority === 'number' ? s.priority : 0,
    })),
  ];
  const paths = specs.map(s => parsePath(String(s.jsonPath ?? '')));
  return {
    columns,
    print: (o, now) => ({
      cells: [
        o.metadata.name ?? '',
        ...paths.map((steps, i) => {
          const [value] = steps ? evaluate(o, steps) : [];
          return value === undefined || value === null
            ? null
            : crdCell(columns[i + 1].type, value, now);
        }),
      ],
    }),
  };
}

/** Builds Tables for one request: its printer, target version and includeObject. */
export class TableConvertor {
  private readonly printer: Printer;
  private readonly include: IncludeObject;

  constructor(
    api: ClusterApi,
    private readonly rr: ResourceRequest,
    private readonly target: MetadataTarget,
    q: URLSearchParams,
  ) {
    this.include = includeObjectOf(q);
    const { group, resource } = rr.type;
    const crdType = api.registry.lookup(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
    );
    const crd =
      !rr.type.builtin && crdType
        ? api.tryGet(crdType, undefined, `${resource}.${group}`)
        : undefined;
    this.printer = crd
      ? crdPrinter(crd, rr.version)
      : builtinPrinter(group, resource) ?? DEFAULT_PRINTER;
  }

  /** A Table of the objects; `metadata` is the list's, or the object's resourceVersion. */
  table(
    objects: KubeObject[],
    metadata: Record<string, string | number>,
    noHeaders = false,
  ): object {
    const now = Date.now();
    return {
      kind: 'Table',
      apiVersion: this.target.apiVersion,
      metadata,
      columnDefinitions: noHeaders ? null : this.printer.columns,
      rows: objects.map(o => ({
        ...this.printer.print(o, now),
        object: this.rowObject(o),
      })),
    };
  }

  /** A converter for a watch stream: column definitions on the first event only. */
  watchConverter(): (obj: KubeObject) => object {
    let first = true;
    return obj => {
      const table = this.table(
        [obj],
        { resourceVersion: obj.metadata.resourceVersion ?? '' },
        !first,
      );
      first = false;
      return table;
    };
  }

  private rowObject(o: KubeObject): object | null {
    switch (this.include) {
      case 'None':
        return null;
      case 'Object':
        // The object in the requested version (versions share storage).
        return {
          ...o,
          apiVersion: apiVersionOf(this.rr.type.group, this.rr.version),
        };
      default:
        return {
          kind: 'PartialObjectMetadata',
          apiVersion: this.target.apiVersion,
          metadata: o.metadata,
        };
    }
  }
}
