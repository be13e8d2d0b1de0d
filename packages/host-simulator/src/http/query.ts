import { errors } from '../errors';

/**
 * A boolean query parameter as the API server converts it
 * (k8s.io/apimachinery runtime.Convert_Slice_string_To_bool): absent, `0` and
 * `false` (any case) are false; any other value, `True`, `1`, `t` or empty included, is true.
 */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const value = q.get(name);
  if (value === null) {
    return false;
  }
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** An integer query parameter (strconv.ParseInt base 10), or undefined when absent. */
export function queryInt(q: URLSearchParams, name: string): number | undefined {
  return int(q.get(name), name);
}

export function int(value: string | null, name = 'value'): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  if (!/^[+-]?\d+$/.test(value)) {
    throw errors.badRequest(
      `strconv.ParseInt: parsing ${JSON.stringify(
        value,
      )}: invalid syntax (${name})`,
    );
  }
  return Number(value);
}
