import {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';

/** Runs an operation as an audit event that records its success or failure. */
export async function audited<T>(
  auditor: AuditorService,
  event: AuditorServiceCreateEventOptions,
  operation: () => Promise<T>,
): Promise<T> {
  const auditEvent = await auditor.createEvent(event);
  try {
    const result = await operation();
    await auditEvent.success();
    return result;
  } catch (error) {
    await auditEvent.fail({ error: error as Error });
    throw error;
  }
}
