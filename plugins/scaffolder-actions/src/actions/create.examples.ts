import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Create a sandbox cluster for the chosen component on the host with the most free capacity, owned by the component's owner (when the initiator belongs to it; otherwise by the initiator), and wait until it is Running",
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'nested-clusters:create',
          name: 'Create nested cluster',
          input: {
            name: '${{ parameters.name }}',
            profile: 'sandbox',
            entityRef: '${{ parameters.component }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a cluster on a given host for a team, expiring after 3 days, without waiting for it',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'nested-clusters:create',
          name: 'Create nested cluster',
          input: {
            name: 'checkout-load-test',
            profile: 'sandbox',
            host: 'dev-eu',
            entityRef: 'component:default/checkout-api',
            owner: 'group:default/team-a',
            ttl: '3d',
            waitForReady: false,
          },
        },
      ],
    }),
  },
  {
    description: 'Wait up to 15 minutes for a larger cluster to be Running',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'nested-clusters:create',
          name: 'Create nested cluster',
          input: {
            name: 'perf-env',
            profile: 'large',
            entityRef: 'component:default/web-shop',
            timeoutSeconds: 900,
          },
        },
      ],
    }),
  },
];
