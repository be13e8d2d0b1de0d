import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the clusters page is mounted (converted for the new system in alpha). */
export const rootRouteRef = createRouteRef({ id: 'nested-clusters' });
