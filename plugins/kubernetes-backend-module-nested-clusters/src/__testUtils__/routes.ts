import { clusterEntityName } from '@nested-clusters/plugin-nested-clusters-node';

/** What routesScenario.ts sets up and reports; module.test.ts reads it. */

/** The Deployment inside team-a's cluster; no answer to bob may contain it. */
export const DEPLOYMENT = 'team-a-private-web';
export const CLUSTER = clusterEntityName({
  host: 'simulated',
  name: 'tab-demo',
});

export type RouteName =
  | 'clusters'
  | 'services'
  | 'workloads'
  | 'custom'
  | 'proxy'
  | 'proxy-named';

export interface RouteAnswer {
  status: number;
  /** Clusters the answer lists (with objects or errors). */
  clusters: string[];
  /** Deployments the answer carries, from any cluster. */
  deployments: string[];
  /** Errors the answer reports for our cluster. */
  errors: unknown[];
  /** Whether the raw body names the Deployment anywhere. */
  mentionsDeployment: boolean;
}

export type RoutesResult = Record<
  'guest' | 'bob',
  Record<RouteName, RouteAnswer>
>;
