import { dirname } from 'node:path';

/** The package's root directory, where its `proto/` and `openapi/` data live (in the repo and when built). */
export const PACKAGE_ROOT = dirname(
  require.resolve('@nested-clusters/host-simulator/package.json'),
);
