import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/**
 * Runs an operation as an audit event that records its success or failure;
 * `resultMeta` adds what only the result tells (never a credential).
 */
export async function audited<T>(
  auditor: AuditorService,
  event: AuditorServiceCreateEventOptions,
  operation: () => Promise<T>,
  resultMeta?: (result: T) => JsonObject,
): Promise<T> {
  const auditEvent = await auditor.createEvent(event);
  try {
    const result = await operation();
    await auditEvent.success(
      resultMeta ? { meta: resultMeta(result) } : undefined,
    );
    return result;
  } catch (error) {
    await auditEvent.fail({ error: error as Error });
    throw error;
  }
}
