import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Write a component descriptor with catalog:write, register it locally and create its sandbox',
    example: yaml.stringify({
      steps: [
        {
          id: 'write',
          action: 'catalog:write',
          input: {
            entity: {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: '${{ parameters.name }}' },
              spec: {
                type: 'service',
                lifecycle: 'experimental',
                owner: '${{ parameters.owner }}',
              },
            },
          },
        },
        {
          id: 'register',
          action: 'local-catalog:register',
          name: 'Register in the catalog',
        },
        {
          id: 'cluster',
          action: 'nested-clusters:create',
          input: {
            name: '${{ parameters.name }}-sandbox',
            profile: 'sandbox',
            entityRef: "${{ steps['register'].output.entityRef }}",
          },
        },
      ],
    }),
  },
];
