import { errors } from './errors';
import { KubeObject } from './model';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function validateName(
  kind: string,
  group: string,
  name: string,
  label: 'label' | 'service' | false,
) {
  if (label) {
    // Service names are RFC 1035 labels: they must also start with a letter.
    if (
      name.length > 63 ||
      !DNS_LABEL.test(name) ||
      (label === 'service' && !/^[a-z]/.test(name))
    ) {
      throw errors.invalid(
        kind,
        group,
        name,
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      );
    }
    return;
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw errors.invalid(
      kind,
      group,
      name,
      'metadata.name',
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  }
}

function validKey(key: string) {
  const parts = key.split('/');
  if (parts.length > 2) {
    return false;
  }
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return false;
  }
  if (parts.length === 2) {
    const prefix = parts[0];
    return (
      prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)
    );
  }
  return true;
}

/** Validates label keys/values and annotation keys like the real API server. */
export function validateMetadata(obj: KubeObject, kind: string, group: string) {
  const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
  for (const [key, value] of Object.entries(obj.metadata.labels ?? {})) {
    if (!validKey(key)) {
      throw errors.invalid(
        kind,
        group,
        name,
        'metadata.labels',
        `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE.test(value)
    ) {
      throw errors.invalid(
        kind,
        group,
        name,
        'metadata.labels',
        `Invalid value: "${String(
          value,
        )}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      );
    }
  }
  for (const [key, value] of Object.entries(obj.metadata.annotations ?? {})) {
    if (!validKey(key)) {
      throw errors.invalid(
        kind,
        group,
        name,
        'metadata.annotations',
        `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
    if (typeof value !== 'string') {
      throw errors.badRequest(`metadata.annotations.${key}: expected a string`);
    }
  }
}
