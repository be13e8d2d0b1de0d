import { NotFoundError } from '@backstage/errors';
import { ExposureConfig } from '../config';
import { HostClient } from './HostClient';

/** Fills `{name}` and `{namespace}` of a pattern for one cluster. */
function fill(pattern: string, name: string, namespace: string) {
  return pattern
    .replaceAll('{name}', name)
    .replaceAll('{namespace}', namespace);
}

function httpsUrl(host: string, port = 443) {
  const address = host.includes(':') ? `[${host}]` : host;
  return `https://${address}${port === 443 ? '' : `:${port}`}`;
}

/**
 * The kubeconfig server of a cluster when it is known before the install
 * (ingress, tlsRoute and url exposures); NodePorts and load-balancer
 * addresses are only known once the host has assigned them.
 */
export function knownServer(
  exposure: ExposureConfig,
  name: string,
  namespace: string,
): string | undefined {
  switch (exposure.type) {
    case 'ingress':
    case 'tlsRoute':
      return httpsUrl(fill(exposure.host, name, namespace), exposure.port);
    case 'url':
    case 'hostPattern':
      return fill(exposure.pattern, name, namespace);
    default:
      return undefined;
  }
}

/**
 * The chart values (vcluster.yaml) an exposure sets for one cluster: the
 * Service type, or the Ingress / TLSRoute with the cluster's host, the
 * address in `controlPlane.proxy.extraSANs` where it is known in advance, and
 * `exportKubeConfig.server` where the server is.
 */
export function exposureValues(
  exposure: ExposureConfig,
  name: string,
  namespace: string,
): Record<string, unknown> {
  const server = knownServer(exposure, name, namespace);
  const exported = server ? { exportKubeConfig: { server } } : {};
  switch (exposure.type) {
    case 'nodePort':
      return {
        controlPlane: {
          service: { spec: { type: 'NodePort' } },
          proxy: { extraSANs: [exposure.nodeAddress] },
        },
      };
    case 'loadBalancer':
      // The syncer adds the assigned address to its certificate itself (pkg/server/cert/cert.go).
      return { controlPlane: { service: { spec: { type: 'LoadBalancer' } } } };
    case 'ingress': {
      const host = fill(exposure.host, name, namespace);
      return {
        controlPlane: {
          // The chart's default annotations ask ingress-nginx for SSL passthrough (values.yaml).
          ingress: {
            enabled: true,
            host,
            ...(exposure.className
              ? { spec: { ingressClassName: exposure.className } }
              : {}),
          },
          proxy: { extraSANs: [host] },
        },
        ...exported,
      };
    }
    case 'tlsRoute': {
      const host = fill(exposure.host, name, namespace);
      return {
        controlPlane: {
          tlsRoute: { enabled: true, host, parentRefs: exposure.parentRefs },
          // Unlike the ingress host, the syncer does not add this one by itself.
          proxy: { extraSANs: [host] },
        },
        ...exported,
      };
    }
    default:
      return {
        controlPlane: { proxy: { extraSANs: [new URL(server!).hostname] } },
        ...exported,
      };
  }
}

/**
 * The server users reach the cluster at, read back from the host where the
 * host assigns it: the Service's nodePort on the configured node address, or
 * its load-balancer address (`status.loadBalancer.ingress[0]`, as `vcluster
 * connect` reads it in pkg/cli/connect_helm.go). Undefined until assigned.
 */
export async function exposureServer(
  exposure: ExposureConfig,
  client: HostClient,
  name: string,
  namespace: string,
): Promise<string | undefined> {
  if (exposure.type !== 'nodePort' && exposure.type !== 'loadBalancer') {
    return knownServer(exposure, name, namespace);
  }
  let service;
  try {
    service = await client.call(`Service ${namespace}/${name}`, () =>
      client.core.readNamespacedService({ name, namespace }),
    );
  } catch (error) {
    if (error instanceof NotFoundError) {
      return undefined;
    }
    throw error;
  }
  if (exposure.type === 'nodePort') {
    const https = service.spec?.ports?.find(p => p.name === 'https');
    return https?.nodePort
      ? httpsUrl(exposure.nodeAddress, https.nodePort)
      : undefined;
  }
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  const address = ingress?.hostname || ingress?.ip;
  return address ? httpsUrl(address, exposure.port) : undefined;
}
