import { Installer } from '../installers';
import { HostClient } from './HostClient';
import { WatchedResource } from './ResourceWatcher';

/** What the cache keeps of a kubeconfig Secret: that it exists. */
export type KubeconfigSecretRecord = true;

/** Without the installer's selector: all but tokens and Helm release records. */
const DEFAULT_FIELD_SELECTOR =
  'type!=kubernetes.io/service-account-token,type!=helm.sh/release.v1';

/**
 * The installer's kubeconfig Secrets, metadata only: a cluster is Running
 * only once its kubeconfig exists, but the backend needs the kubeconfig
 * itself only when someone downloads it. Controllers learn of objects the
 * same way (client-go's metadata informer), so the cold start reads no
 * Secret data and costs one paged LIST per host instead of a GET per cluster.
 */
export function kubeconfigSecrets(
  client: HostClient,
  installer: Installer,
): WatchedResource<KubeconfigSecretRecord> {
  const selector = installer.kubeconfigSecretSelector?.() ?? {
    fieldSelector: DEFAULT_FIELD_SELECTOR,
  };
  return {
    name: 'kubeconfig secrets',
    path: '/api/v1/secrets',
    labelSelector: selector.labelSelector ?? '',
    fieldSelector: selector.fieldSelector,
    watch: client.metadata.watch,
    list: async ({ labelSelector, fieldSelector, limit, continueToken }) => {
      // A PartialObjectMetadataList, read through the typed Secret list.
      const list = await client.metadata.core.listSecretForAllNamespaces({
        labelSelector: labelSelector || undefined,
        fieldSelector,
        limit,
        _continue: continueToken,
      });
      return {
        items: list.items,
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?._continue,
      };
    },
    reduce: () => true,
  };
}
