import {
  AuditorService,
  coreServices,
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

export interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  /** The event's meta, with what its success added. */
  meta?: JsonObject;
  outcome: 'pending' | 'success' | 'failure';
}

/** Collects the plugin's audit events (of every backend that shares it). */
export class AuditLog {
  readonly events: AuditRecord[] = [];

  factory(): ServiceFactory {
    return createServiceFactory({
      service: coreServices.auditor,
      deps: {},
      factory: (): AuditorService => ({
        createEvent: async options => {
          const record: AuditRecord = {
            eventId: options.eventId,
            severityLevel: options.severityLevel,
            meta: options.meta,
            outcome: 'pending',
          };
          this.events.push(record);
          return {
            success: async result => {
              record.outcome = 'success';
              record.meta = { ...record.meta, ...result?.meta };
            },
            fail: async () => {
              record.outcome = 'failure';
            },
          };
        },
      }),
    });
  }

  succeeded(eventId: string): AuditRecord[] {
    return this.events.filter(
      e => e.eventId === eventId && e.outcome === 'success',
    );
  }
}
