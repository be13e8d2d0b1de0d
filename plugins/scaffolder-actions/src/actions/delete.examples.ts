import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Delete a nested cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete',
          action: 'nested-clusters:delete',
          name: 'Delete nested cluster',
          input: {
            host: '${{ parameters.host }}',
            name: '${{ parameters.name }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Delete a nested cluster and wait up to 5 minutes until it is gone',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete',
          action: 'nested-clusters:delete',
          input: {
            host: 'dev-eu',
            name: 'my-sandbox',
            waitForDeletion: true,
            timeoutSeconds: 300,
          },
        },
      ],
    }),
  },
];
