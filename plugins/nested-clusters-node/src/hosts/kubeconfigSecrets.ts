import { Installer } from '../installers';
import { HostClient } from './HostClient';
import { listedResource } from './resources';
import { WatchedResource } from './ResourceWatcher';

/** kube-apiserver answers a list of objects' metadata only (endpoints/handlers/response.go). */
const METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

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
  return listedResource(
    client,
    {
      name: 'kubeconfig secrets',
      path: '/api/v1/secrets',
      labelSelector: selector.labelSelector ?? '',
      fieldSelector: selector.fieldSelector,
      watch: client.metadataWatch,
      reduce: () => true,
    },
    METADATA_LIST,
  );
}
