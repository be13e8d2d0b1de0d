import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AddonStatus } from '@nested-clusters/plugin-nested-clusters-common';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  cluster,
  createTestClient,
  serveClusters,
} from '../__testUtils__/fixtures';
import { nestedClustersApiRef } from '../api';
import { EntityNestedClustersCard } from './EntityNestedClustersCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web-shop', namespace: 'default' },
  spec: { type: 'website', owner: 'team-a', lifecycle: 'experimental' },
};

const server = setupServer();
registerMswTestHooks(server);

const PIPELINES: AddonStatus = {
  name: 'tekton-pipelines',
  type: 'manifests',
  phase: 'Success',
};
const CHAINS: AddonStatus = {
  name: 'tekton-chains',
  type: 'chart',
  chart: { name: 'tekton-chains', version: '0.26.0' },
  release: { name: 'tekton-chains', namespace: 'tekton-chains' },
  phase: 'Pending',
};
const HELM_ERROR =
  'error executing helm install tekton-chains /tmp/tekton-chains-0.26.0.tgz --create-namespace --namespace tekton-chains: Error: INSTALLATION FAILED: context deadline exceeded';

function renderCard() {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityNestedClustersCard />
    </EntityProvider>,
    {
      apis: [[nestedClustersApiRef, createTestClient()], mockApis.permission()],
    },
  );
}

describe('EntityNestedClustersCard add-ons', () => {
  it('shows how many add-ons of a running cluster are ready', async () => {
    serveClusters(server, [
      cluster('ci-dev', { profile: 'ci', addons: [PIPELINES, CHAINS] }),
    ]);
    renderCard();
    expect(await screen.findByText('add-ons: 1/2 ready')).toBeInTheDocument();
    expect(screen.getByText('Running')).toBeInTheDocument();
  });

  it("shows a failed add-on's name and vcluster's message next to Running", async () => {
    serveClusters(server, [
      cluster('ci-dev', {
        profile: 'ci',
        addons: [
          PIPELINES,
          {
            ...CHAINS,
            phase: 'Failed',
            reason: 'InstallFailed',
            message: HELM_ERROR,
          },
        ],
      }),
    ]);
    renderCard();
    expect(
      await screen.findByText(`add-on tekton-chains failed: ${HELM_ERROR}`),
    ).toBeInTheDocument();
    expect(screen.getByText('Running')).toBeInTheDocument();
  });

  it('says nothing about add-ons for a cluster without any', async () => {
    serveClusters(server, [cluster('plain')]);
    renderCard();
    expect(await screen.findByText('plain')).toBeInTheDocument();
    expect(screen.queryByText(/add-on/)).not.toBeInTheDocument();
  });
});
