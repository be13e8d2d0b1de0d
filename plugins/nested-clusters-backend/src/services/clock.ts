import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/** The current time, injectable so tests move it instead of waiting. */
export interface Clock {
  now(): Date;
}

/** The plugin's clock; tests replace its factory with a fake one. */
export const nestedClustersClockServiceRef = createServiceRef<Clock>({
  id: 'nested-clusters.clock',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => ({ now: () => new Date() }),
    }),
});
