/** The reasons the simulator uses, as in k8s.io/apimachinery metav1.StatusReason. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'TooManyRequests';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** An error that becomes a Kubernetes `Status` response body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** Qualified resource name as the API server prints it: `statefulsets.apps`, `pods`. */
export function qualified(resource: string, group: string) {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  notFound(resource: string, group: string, name: string) {
    return new ApiError(
      404,
      'NotFound',
      `${qualified(resource, group)} "${name}" not found`,
      { name, group, kind: resource },
    );
  },
  alreadyExists(resource: string, group: string, name: string) {
    return new ApiError(
      409,
      'AlreadyExists',
      `${qualified(resource, group)} "${name}" already exists`,
      { name, group, kind: resource },
    );
  },
  conflict(resource: string, group: string, name: string, why: string) {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(
        resource,
        group,
      )} "${name}": ${why}`,
      { name, group, kind: resource },
    );
  },
  invalid(
    kind: string,
    group: string,
    name: string,
    field: string,
    why: string,
  ) {
    return new ApiError(
      422,
      'Invalid',
      `${kind}${
        group ? `.${group}` : ''
      } "${name}" is invalid: ${field}: ${why}`,
      {
        name,
        group,
        kind,
        causes: [{ reason: 'FieldValueInvalid', message: why, field }],
      },
    );
  },
  badRequest(message: string) {
    return new ApiError(400, 'BadRequest', message);
  },
  forbidden(message: string, details?: StatusDetails) {
    return new ApiError(403, 'Forbidden', message, details);
  },
  gone(message: string) {
    return new ApiError(410, 'Gone', message);
  },
  expired(message: string) {
    return new ApiError(410, 'Expired', message);
  },
  methodNotAllowed(message: string) {
    return new ApiError(405, 'MethodNotAllowed', message);
  },
  unauthorized() {
    return new ApiError(401, 'Unauthorized', 'Unauthorized');
  },
  internal(message: string) {
    return new ApiError(500, 'InternalError', message);
  },
  unavailable(message: string) {
    return new ApiError(503, 'ServiceUnavailable', message);
  },
};
