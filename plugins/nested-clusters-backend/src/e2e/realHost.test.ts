import { KubeConfig } from '@kubernetes/client-node';
import {
  adminClients,
  Harness,
  startBackend,
} from '@nested-clusters/test-harness';
import { ExposureConfig } from '@nested-clusters/plugin-nested-clusters-node';
import { lifecycleSuite } from '../__testUtils__/lifecycleSuite';

/**
 * The lifecycle suite against a host reached through nothing but a kubeconfig
 * file. `scripts/portal test` starts a host simulator of its own (a separate
 * process, like a real host) and points these variables at it; set them to a
 * real host's to run the same suite there:
 *
 *   NESTED_CLUSTERS_E2E_KUBECONFIG  kubeconfig of the host (cluster-admin or the plugin's account)
 *   NESTED_CLUSTERS_E2E_CONTEXT     context in it (default: its current context)
 *   NESTED_CLUSTERS_E2E_INSTALLER   capi | helm-job | flux (default helm-job)
 *   NESTED_CLUSTERS_E2E_EXPOSURE    the host's exposure as JSON, reachable from here, e.g.
 *                                   {"type":"nodePort","nodeAddress":"10.0.0.5"} or
 *                                   {"type":"ingress","host":"{name}.vc.example.com","className":"nginx"}
 *
 * Without a kubeconfig every test fails: it never passes without a host.
 */
const kubeconfigPath = process.env.NESTED_CLUSTERS_E2E_KUBECONFIG;
const timeoutMs = 10 * 60_000;
jest.setTimeout(timeoutMs + 60_000);

describe('lifecycle on a real host', () => {
  const installer = (process.env.NESTED_CLUSTERS_E2E_INSTALLER ??
    'helm-job') as 'capi' | 'helm-job' | 'flux';
  const exposureJson = process.env.NESTED_CLUSTERS_E2E_EXPOSURE;
  let exposure: ExposureConfig;
  const context = process.env.NESTED_CLUSTERS_E2E_CONTEXT;
  const kubeConfig = new KubeConfig();
  let backend: Harness;

  beforeAll(async () => {
    if (!kubeconfigPath) {
      throw new Error(
        "NESTED_CLUSTERS_E2E_KUBECONFIG is not set: scripts/portal test sets it to a host simulator it starts; to run against a real host, set it to the host's kubeconfig",
      );
    }
    if (!exposureJson) {
      throw new Error(
        'NESTED_CLUSTERS_E2E_EXPOSURE is required: the exposure as JSON, such as {"type":"nodePort","nodeAddress":"10.0.0.5"}, under which nested API servers are reachable from this machine',
      );
    }
    exposure = JSON.parse(exposureJson);
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
            exposure,
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
      server: async (name, namespace) => {
        const portSuffix = (port: number) => (port === 443 ? '' : `:${port}`);
        switch (exposure.type) {
          case 'nodePort':
          case 'loadBalancer': {
            const service = await adminClients(
              kubeConfig,
            ).core.readNamespacedService({ name, namespace });
            if (exposure.type === 'nodePort') {
              return `https://${exposure.nodeAddress}:${service.spec?.ports?.[0].nodePort}`;
            }
            const ingress = service.status?.loadBalancer?.ingress?.[0];
            return `https://${ingress?.ip ?? ingress?.hostname}${portSuffix(
              exposure.port,
            )}`;
          }
          case 'ingress':
          case 'tlsRoute':
            return `https://${exposure.host
              .replaceAll('{name}', name)
              .replaceAll('{namespace}', namespace)}${portSuffix(
              exposure.port,
            )}`;
          default:
            return exposure.pattern
              .replaceAll('{name}', name)
              .replaceAll('{namespace}', namespace);
        }
      },
      secrets: [kubeConfig.getCurrentUser()?.token].filter(
        (s): s is string => !!s,
      ),
      timeoutMs,
    }),
    { name: `e2e-${Date.now().toString(36)}`, installer },
  );
});
