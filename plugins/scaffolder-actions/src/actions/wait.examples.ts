import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a cluster without waiting, do other work, then wait for it to be Running',
    example: yaml.stringify({
      steps: [
        {
          id: 'cluster',
          action: 'nested-clusters:create',
          input: {
            name: '${{ parameters.name }}',
            profile: 'sandbox',
            entityRef: '${{ parameters.component }}',
            waitForReady: false,
          },
        },
        {
          id: 'ready',
          action: 'nested-clusters:wait',
          name: 'Wait for the cluster',
          input: {
            host: "${{ steps['cluster'].output.host }}",
            name: "${{ steps['cluster'].output.name }}",
            timeoutSeconds: 900,
          },
        },
      ],
    }),
  },
  {
    description: 'Wait until a cluster is Paused',
    example: yaml.stringify({
      steps: [
        {
          id: 'paused',
          action: 'nested-clusters:wait',
          input: { host: 'dev-eu', name: 'my-sandbox', status: 'Paused' },
        },
      ],
    }),
  },
];
