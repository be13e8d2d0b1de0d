import { ApiException, KubeConfig } from '@kubernetes/client-node';

/**
 * client-node's KubeConfig for a nested cluster's admin kubeconfig, for calls
 * made inside the nested cluster on the backend's side only. YAML errors
 * quote their source, which holds credentials, so they are replaced.
 */
export function adminKubeConfig(kubeconfig: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(kubeconfig);
  } catch {
    throw new Error('the admin kubeconfig is not valid');
  }
  if (!kc.getCurrentCluster()) {
    throw new Error('the admin kubeconfig has no cluster');
  }
  return kc;
}

/** Creates an object; returns false when it already existed (409). */
export async function createOrKeep(
  create: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) {
      return false;
    }
    throw error;
  }
}

/** Deletes an object; returns false when it was already gone (404). */
export async function deleteIfPresent(
  remove: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      return false;
    }
    throw error;
  }
}
