import { ClusterApi } from '../api';
import { API_AUDIENCE, Authenticator, newToken } from '../auth';
import { errors } from '../errors';
import { isJsonObject, JsonObject, JsonValue } from '../json';
import { nowIso } from '../model';

/** kubernetes pkg/apis/authentication/validation: MinTokenAgeSec, and at most 2^32 s. */
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

function rfc3339(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `POST .../serviceaccounts/<name>/token` (authentication.k8s.io/v1
 * TokenRequest): a token bound to the ServiceAccount's uid, for the requested
 * audiences (default: the API server's own), expiring after
 * `expirationSeconds` (default 3600, at least 10 minutes) on the server's clock.
 */
export function tokenRequest(
  api: ClusterApi,
  auth: Authenticator,
  namespace: string,
  name: string,
  body: JsonValue | undefined,
): JsonObject {
  const sa = api.get(api.resolve('', 'v1', 'serviceaccounts'), namespace, name);
  const spec = isJsonObject(body) && isJsonObject(body.spec) ? body.spec : {};
  const seconds =
    typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  const invalid = (why: string) =>
    errors.invalid(
      'TokenRequest',
      'authentication.k8s.io',
      name,
      'spec.expirationSeconds',
      `Invalid value: ${seconds}: ${why}`,
    );
  if (seconds < MIN_EXPIRATION_SECONDS) {
    throw invalid('may not specify a duration less than 10 minutes');
  }
  if (seconds > MAX_EXPIRATION_SECONDS) {
    throw invalid('may not specify a duration larger than 2^32 seconds');
  }
  const requested = Array.isArray(spec.audiences)
    ? spec.audiences.map(String)
    : [];
  const audiences = requested.length > 0 ? requested : [API_AUDIENCE];
  const expiresAt = auth.now() + seconds * 1000;
  const token = newToken('sa');
  auth.add({
    token,
    serviceAccount: { namespace, name, uid: sa.metadata.uid },
    expiresAt,
    audiences,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: nowIso() },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: null },
    status: { token, expirationTimestamp: rfc3339(expiresAt) },
  };
}
