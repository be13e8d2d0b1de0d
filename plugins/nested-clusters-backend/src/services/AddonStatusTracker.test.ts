import { AddonSummary } from '@nested-clusters/plugin-nested-clusters-common';
import { addonPhases } from './AddonStatusTracker';

const ADDONS: AddonSummary[] = [
  { name: 'tekton-pipelines', type: 'manifests' },
  {
    name: 'tekton-chains',
    type: 'chart',
    chart: { name: 'tekton-chains', version: '0.26.0' },
    release: { name: 'tekton-chains', namespace: 'tekton-chains' },
  },
];

describe('addonPhases', () => {
  it('is Pending for everything before the deploy controller reports', () => {
    expect(addonPhases(ADDONS, undefined).map(a => a.phase)).toEqual([
      'Pending',
      'Pending',
    ]);
  });

  it('gives manifests add-ons the manifests phase and charts their release entry', () => {
    expect(
      addonPhases(ADDONS, {
        phase: 'Pending',
        manifests: { phase: 'Success' },
        charts: [
          { name: 'other', namespace: 'tekton-chains', phase: 'Failed' },
        ],
      }).map(a => a.phase),
    ).toEqual(['Success', 'Pending']);
  });

  it("keeps a failure's reason and message", () => {
    const [, chains] = addonPhases(ADDONS, {
      phase: 'Failed',
      manifests: { phase: 'Success' },
      charts: [
        {
          name: 'tekton-chains',
          namespace: 'tekton-chains',
          phase: 'Failed',
          reason: 'InstallFailed',
          message: 'error executing helm install tekton-chains',
        },
      ],
    });
    expect(chains).toEqual({
      ...ADDONS[1],
      phase: 'Failed',
      reason: 'InstallFailed',
      message: 'error executing helm install tekton-chains',
    });
  });
});
