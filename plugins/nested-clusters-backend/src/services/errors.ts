import { CustomErrorBase } from '@backstage/errors';

/**
 * A quota (maxClusters per host, clusters per owner) is exhausted. There is no
 * 429 class in @backstage/errors; the error handler takes `statusCode` as is.
 * 429 rather than 422: the request is well-formed and may succeed later, once
 * other clusters are gone.
 */
export class QuotaExceededError extends CustomErrorBase {
  name = 'QuotaExceededError' as const;
  readonly statusCode = 429;
}
