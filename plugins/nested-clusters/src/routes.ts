import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/** Where the clusters page is mounted (converted for the new system in alpha). */
export const rootRouteRef = createRouteRef({ id: 'nested-clusters' });

/**
 * A software template's page, for the "New cluster" actions. The new frontend
 * system binds it to the scaffolder by default; legacy apps bind it to
 * `scaffolderPlugin.routes.selectedTemplate`. Unbound, the actions are hidden.
 */
export const createFromTemplateRouteRef = createExternalRouteRef({
  id: 'nested-clusters-create-from-template',
  optional: true,
  params: ['namespace', 'templateName'],
  defaultTarget: 'scaffolder.selectedTemplate',
});

/** The example sandbox template (examples/templates), opened unless configured otherwise. */
export const DEFAULT_TEMPLATE_REF = 'template:default/nested-cluster-sandbox';
