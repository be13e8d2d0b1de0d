import { KubeConfig } from '@kubernetes/client-node';
import {
  adminClients,
  Harness,
  startBackend,
} from '@nested-clusters/test-harness';
import { lifecycleSuite } from '../__testUtils__/lifecycleSuite';

/**
 * Opt-in: the same lifecycle as the simulator suites, against a real host.
 *
 *   NESTED_CLUSTERS_E2E_KUBECONFIG  kubeconfig of the host (cluster-admin or the plugin's account)
 *   NESTED_CLUSTERS_E2E_CONTEXT     context in it (default: its current context)
 *   NESTED_CLUSTERS_E2E_INSTALLER   capi | helm-job | flux (default helm-job)
 *   NESTED_CLUSTERS_E2E_EXPOSURE    exposure pattern reachable from here, e.g. https://{name}.vc.example.com
 */
const kubeconfigPath = process.env.NESTED_CLUSTERS_E2E_KUBECONFIG;

if (!kubeconfigPath) {
  describe('lifecycle on a real host (opt-in)', () => {
    it('skipped: set NESTED_CLUSTERS_E2E_KUBECONFIG to run it', () => {
      // eslint-disable-next-line no-console
      console.log(
        'skipped: set NESTED_CLUSTERS_E2E_KUBECONFIG (and NESTED_CLUSTERS_E2E_EXPOSURE; optionally NESTED_CLUSTERS_E2E_CONTEXT and NESTED_CLUSTERS_E2E_INSTALLER) to run the nested-cluster lifecycle against a real host',
      );
      expect(process.env.NESTED_CLUSTERS_E2E_KUBECONFIG).toBeUndefined();
    });
  });
} else {
  const timeoutMs = 10 * 60_000;
  jest.setTimeout(timeoutMs + 60_000);

  describe('lifecycle on a real host', () => {
    const installer = (process.env.NESTED_CLUSTERS_E2E_INSTALLER ??
      'helm-job') as 'capi' | 'helm-job' | 'flux';
    const exposure = process.env.NESTED_CLUSTERS_E2E_EXPOSURE;
    const context = process.env.NESTED_CLUSTERS_E2E_CONTEXT;
    const kubeConfig = new KubeConfig();
    let backend: Harness;

    beforeAll(async () => {
      if (!exposure) {
        throw new Error(
          'NESTED_CLUSTERS_E2E_EXPOSURE is required: a pattern such as https://{name}.vc.example.com under which nested API servers are reachable from this machine',
        );
      }
      kubeConfig.loadFromFile(kubeconfigPath);
      if (context) {
        kubeConfig.setCurrentContext(context);
      }
      backend = await startBackend({
        hosts: [
          {
            config: {
              name: 'e2e',
              installer,
              namespacePrefix: 'nc-e2e-',
              auth: {
                type: 'kubeconfig',
                path: kubeconfigPath,
                ...(context ? { context } : {}),
              },
              exposure: { type: 'hostPattern', pattern: exposure },
            },
          },
        ],
      });
    });

    afterAll(async () => {
      await backend?.stop();
    });

    lifecycleSuite(
      () => ({
        backend,
        admin: adminClients(kubeConfig),
        host: 'e2e',
        installer,
        namespacePrefix: 'nc-e2e-',
        server: (name, namespace) =>
          exposure!
            .replaceAll('{name}', name)
            .replaceAll('{namespace}', namespace),
        secrets: [kubeConfig.getCurrentUser()?.token].filter(
          (s): s is string => !!s,
        ),
        timeoutMs,
      }),
      { name: `e2e-${Date.now().toString(36)}`, installer },
    );
  });
}
