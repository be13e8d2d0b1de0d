import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// A Resource entity per nested cluster, updated from the hosts' watch cache.
backend.add(
  import('@nested-clusters/plugin-catalog-backend-module-nested-clusters'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@nested-clusters/plugin-scaffolder-backend-module-nested-clusters'),
);

backend.add(import('@backstage/plugin-permission-backend'));
// Owners-only updates, deletes and kubeconfigs for nested clusters; all else allowed.
backend.add(
  import('@nested-clusters/plugin-permission-backend-module-nested-clusters'),
);

backend.add(import('@nested-clusters/plugin-nested-clusters-backend'));

backend.add(import('@backstage/plugin-search-backend'));
// On PostgreSQL, search indexes in the database, outside the backend's event
// loop; on SQLite (the default) it steps aside with a warning and search uses
// the in-memory Lunr engine, which rebuilds a type's index in-process.
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(
  import('@nested-clusters/plugin-search-backend-module-nested-clusters'),
);

backend.add(import('@backstage/plugin-kubernetes-backend'));
// Running nested clusters in the Kubernetes tab, through a read-only account.
backend.add(
  import('@nested-clusters/plugin-kubernetes-backend-module-nested-clusters'),
);
backend.add(import('@backstage/plugin-user-settings-backend'));
// Pushes user-settings changes to open browser tabs.
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
