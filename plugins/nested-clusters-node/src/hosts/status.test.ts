import { ANNOTATIONS, NamespaceRecord, StatefulSetRecord } from './records';
import { ClusterSignals, deriveStatus } from './status';

const namespace: NamespaceRecord = {
  name: 'nc-demo',
  clusterName: 'demo',
  annotations: {},
  createdAt: '2026-01-01T00:00:00Z',
  terminating: false,
};

const sts = (
  overrides: Partial<StatefulSetRecord> = {},
): StatefulSetRecord => ({
  namespace: 'nc-demo',
  release: 'demo',
  annotations: {},
  specReplicas: 1,
  statusReplicas: 1,
  readyReplicas: 1,
  terminating: false,
  ...overrides,
});

const installer = (state: 'pending' | 'done' | 'failed', message?: string) => ({
  namespace: 'nc-demo',
  name: 'demo',
  state,
  message,
  terminating: false,
});

function status(signals: Partial<ClusterSignals>) {
  return deriveStatus({
    namespace,
    pods: [],
    kubeconfigReady: () => true,
    ...signals,
  });
}

describe('deriveStatus', () => {
  it('is Provisioning with progress until the control plane is ready', () => {
    expect(status({})).toMatchObject({
      status: 'Provisioning',
      progress: { completedSteps: 0, totalSteps: 4 },
    });
    expect(status({ installer: installer('pending') }).progress).toMatchObject({
      completedSteps: 1,
    });
    expect(
      status({
        installer: installer('pending'),
        statefulSet: sts({ statusReplicas: 1, readyReplicas: 0 }),
      }).progress,
    ).toMatchObject({ completedSteps: 3, step: expect.any(String) });
  });

  it('is Running once installed with every replica ready', () => {
    expect(
      status({ installer: installer('done'), statefulSet: sts() }),
    ).toEqual({
      status: 'Running',
    });
  });

  it('is not Running before the kubeconfig Secret exists', () => {
    expect(
      status({
        installer: installer('done'),
        statefulSet: sts(),
        kubeconfigReady: () => false,
      }),
    ).toMatchObject({
      status: 'Provisioning',
      progress: { completedSteps: 3, totalSteps: 4 },
    });
  });

  it('is not Running before the installer is done', () => {
    expect(
      status({ installer: installer('pending'), statefulSet: sts() }).status,
    ).toBe('Provisioning');
  });

  it('is Failed with the installer message or a crashing pod', () => {
    expect(
      status({ installer: installer('failed', 'chart not found') }),
    ).toEqual({
      status: 'Failed',
      statusMessage: 'chart not found',
    });
    expect(
      status({
        installer: installer('pending'),
        pods: [
          {
            namespace: 'nc-demo',
            release: 'demo',
            ready: false,
            failure: 'pod demo-0: CrashLoopBackOff',
          },
        ],
      }),
    ).toMatchObject({
      status: 'Failed',
      statusMessage: expect.stringContaining('CrashLoopBackOff'),
    });
  });

  it('is Pausing, then Paused, with the vcluster CLI annotation', () => {
    const paused = { 'loft.sh/paused': 'true', 'loft.sh/paused-replicas': '1' };
    expect(
      status({
        installer: installer('done'),
        statefulSet: sts({ annotations: paused, specReplicas: 0 }),
      }).status,
    ).toBe('Pausing');
    expect(
      status({
        installer: installer('done'),
        statefulSet: sts({
          annotations: paused,
          specReplicas: 0,
          statusReplicas: 0,
          readyReplicas: 0,
        }),
      }).status,
    ).toBe('Paused');
  });

  it('is Resuming after a resume until ready', () => {
    expect(
      status({
        installer: installer('done'),
        statefulSet: sts({
          annotations: { [ANNOTATIONS.resumedAt]: '2026-01-01T00:00:00Z' },
          readyReplicas: 0,
        }),
      }).status,
    ).toBe('Resuming');
  });

  it('is Unknown when scaled to zero outside the portal', () => {
    expect(
      status({
        installer: installer('done'),
        statefulSet: sts({
          specReplicas: 0,
          statusReplicas: 0,
          readyReplicas: 0,
        }),
      }).status,
    ).toBe('Unknown');
  });

  it('is Deleting when the namespace or installer is terminating or marked', () => {
    expect(
      status({ namespace: { ...namespace, terminating: true } }).status,
    ).toBe('Deleting');
    expect(
      status({
        namespace: {
          ...namespace,
          annotations: { [ANNOTATIONS.deletingSince]: '2026-01-01T00:00:00Z' },
        },
        installer: installer('done'),
        statefulSet: sts(),
      }).status,
    ).toBe('Deleting');
    expect(
      status({ installer: { ...installer('done'), terminating: true } }).status,
    ).toBe('Deleting');
  });
});
