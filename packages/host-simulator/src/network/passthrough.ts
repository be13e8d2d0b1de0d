import { ControllerContext } from '../controllers/context';
import { field, writeStatus } from '../controllers/kinds';
import { Logger } from '../controllers/runtime';
import { deepEqual, isJsonObject, JsonObject } from '../json';
import { KubeObject, StoredObject } from '../model';
import { crd } from '../vcluster/crds';
import { ServiceRouter } from './endpoints';
import { forward, Listener } from './forward';
import { serverNameOf } from './sni';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const INGRESS_KEY = 'networking.k8s.io/ingresses';
const GATEWAY_KEY = `${GATEWAY_GROUP}/gateways`;
const TLSROUTE_KEY = `${GATEWAY_GROUP}/tlsroutes`;
const SSL_PASSTHROUGH = 'nginx.ingress.kubernetes.io/ssl-passthrough';

/** The ingress class of the simulated ingress-nginx (the default class). */
export const INGRESS_CLASS = 'nginx';
/** The simulated Gateway with a TLS passthrough listener, for TLSRoutes' parentRefs. */
export const PASSTHROUGH_GATEWAY = {
  namespace: 'gateway-system',
  name: 'passthrough',
  sectionName: 'tls',
};
const GATEWAY_CLASS = 'host-simulator';
const CONTROLLER_NAME = 'host-simulator.local/gateway-controller';

/** Gateway API CRDs (standard channel TLSRoute v1, still served as v1alpha2/v1alpha3). */
export const GATEWAY_API_CRDS: KubeObject[] = [
  crd(
    GATEWAY_GROUP,
    'GatewayClass',
    'gatewayclasses',
    ['v1'],
    ['gc'],
    'Cluster',
  ),
  crd(GATEWAY_GROUP, 'Gateway', 'gateways', ['v1'], ['gtw']),
  crd(GATEWAY_GROUP, 'TLSRoute', 'tlsroutes', ['v1', 'v1alpha3', 'v1alpha2']),
];

/** What a host with ingress-nginx (SSL passthrough on) and a Gateway API implementation has. */
export const PASSTHROUGH_OBJECTS: KubeObject[] = [
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: INGRESS_CLASS,
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  },
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: PASSTHROUGH_GATEWAY.namespace },
  },
  {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'GatewayClass',
    metadata: { name: GATEWAY_CLASS },
    spec: { controllerName: CONTROLLER_NAME },
  },
  {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'Gateway',
    metadata: {
      name: PASSTHROUGH_GATEWAY.name,
      namespace: PASSTHROUGH_GATEWAY.namespace,
    },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        {
          name: PASSTHROUGH_GATEWAY.sectionName,
          protocol: 'TLS',
          port: 443,
          tls: { mode: 'Passthrough' },
          allowedRoutes: {
            namespaces: { from: 'All' },
            kinds: [{ kind: 'TLSRoute' }],
          },
        },
      ],
    },
  },
];

interface Backend {
  namespace: string;
  service: string;
  port: number | string;
}

function list(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function hostMatches(pattern: unknown, host: string) {
  if (typeof pattern !== 'string') {
    return false;
  }
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return (
      host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.')
    );
  }
  return pattern.toLowerCase() === host.toLowerCase();
}

/**
 * TLS passthrough on one listener, routed by the ClientHello's server name:
 * ingress-nginx with `--enable-ssl-passthrough` (Ingresses of class nginx with
 * the `ssl-passthrough` annotation) and a Gateway API implementation (TLSRoutes
 * attached to the passthrough Gateway). Both write the status their real
 * controllers write, with this listener's address.
 */
export function passthroughController(
  ctx: ControllerContext,
  router: ServiceRouter,
  address: string,
  log: Logger,
) {
  const { api, store, runtime } = ctx;

  const isOurIngress = (ing: KubeObject) => {
    const className = field(ing, 'spec').ingressClassName;
    return (
      (className === undefined || className === INGRESS_CLASS) &&
      ing.metadata.annotations?.[SSL_PASSTHROUGH] === 'true'
    );
  };

  /** The passthrough Gateway listener a parentRef names, if it is ours. */
  const ourParent = (route: KubeObject, ref: JsonObject) => {
    const namespace = String(ref.namespace ?? route.metadata.namespace);
    const gateway = store.get(GATEWAY_KEY, namespace, String(ref.name));
    const spec = field(gateway, 'spec');
    if (!gateway || spec.gatewayClassName !== GATEWAY_CLASS) {
      return undefined;
    }
    const listener = list(spec.listeners).find(
      l =>
        (ref.sectionName === undefined || l.name === ref.sectionName) &&
        l.protocol === 'TLS' &&
        field(l, 'tls').mode === 'Passthrough',
    );
    return { gateway, accepted: listener !== undefined };
  };

  const attached = (route: KubeObject) =>
    list(field(route, 'spec').parentRefs).some(
      ref => ourParent(route, ref)?.accepted === true,
    );

  const backendFor = (host: string): Backend | undefined => {
    for (const ing of store.list(INGRESS_KEY)) {
      if (!isOurIngress(ing)) {
        continue;
      }
      for (const rule of list(field(ing, 'spec').rules)) {
        if (!hostMatches(rule.host, host)) {
          continue;
        }
        const path = list(field(rule, 'http').paths)[0];
        const service = field(field(path, 'backend'), 'service');
        const port = field(service, 'port');
        if (typeof service.name === 'string') {
          return {
            namespace: ing.metadata.namespace!,
            service: service.name,
            port: (port.number ?? port.name) as number | string,
          };
        }
      }
    }
    for (const route of store.list(TLSROUTE_KEY)) {
      const spec = field(route, 'spec');
      const hostnames = Array.isArray(spec.hostnames) ? spec.hostnames : [];
      if (!hostnames.some(h => hostMatches(h, host)) || !attached(route)) {
        continue;
      }
      const ref = list(list(spec.rules)[0]?.backendRefs)[0];
      if (ref && typeof ref.name === 'string' && typeof ref.port === 'number') {
        return {
          namespace: String(ref.namespace ?? route.metadata.namespace),
          service: ref.name,
          port: ref.port,
        };
      }
    }
    return undefined;
  };

  const listener = new Listener(socket => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const name = serverNameOf(head);
      if (name === undefined && head.length < 16 * 1024) {
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const backend = name ? backendFor(name) : undefined;
      if (!backend) {
        socket.destroy();
        return;
      }
      router
        .resolve(backend.namespace, backend.service, backend.port)
        .then(target => forward(socket, target, head))
        .catch(error => {
          log(`${`passthrough to ${backend.service}`}: ${String(error)}`);
          socket.destroy();
        });
    };
    socket.on('data', onData);
    socket.resume();
  });

  const writeIfChanged = (obj: StoredObject, status: JsonObject) => {
    if (!deepEqual(obj.status ?? {}, status)) {
      writeStatus(api, api.typeOf(obj.apiVersion, obj.kind), obj, status);
    }
  };

  const reconcile = (typeKey: string, namespace: string, name: string) => {
    const obj = store.get(typeKey, namespace, name);
    if (!obj || obj.metadata.deletionTimestamp) {
      return;
    }
    if (typeKey === INGRESS_KEY && isOurIngress(obj)) {
      writeIfChanged(obj, { loadBalancer: { ingress: [{ ip: address }] } });
    } else if (typeKey === GATEWAY_KEY) {
      if (field(obj, 'spec').gatewayClassName === GATEWAY_CLASS) {
        const condition = (type: string) => ({
          type,
          status: 'True',
          reason: type,
          message: '',
          observedGeneration: obj.metadata.generation ?? 1,
          lastTransitionTime: obj.metadata.creationTimestamp ?? '',
        });
        writeIfChanged(obj, {
          addresses: [{ type: 'IPAddress', value: address }],
          conditions: [condition('Accepted'), condition('Programmed')],
        });
      }
    } else if (typeKey === TLSROUTE_KEY) {
      const parents = list(field(obj, 'spec').parentRefs).flatMap(ref => {
        const parent = ourParent(obj, ref);
        if (!parent) {
          return [];
        }
        const condition = (type: string, ok: boolean, reason: string) => ({
          type,
          status: ok ? 'True' : 'False',
          reason,
          message: '',
          observedGeneration: obj.metadata.generation ?? 1,
          lastTransitionTime: obj.metadata.creationTimestamp ?? '',
        });
        return [
          {
            parentRef: { group: GATEWAY_GROUP, kind: 'Gateway', ...ref },
            controllerName: CONTROLLER_NAME,
            conditions: [
              condition(
                'Accepted',
                parent.accepted,
                parent.accepted ? 'Accepted' : 'NoMatchingParent',
              ),
              condition('ResolvedRefs', true, 'ResolvedRefs'),
            ],
          },
        ];
      });
      if (parents.length > 0) {
        writeIfChanged(obj, { parents });
      }
    }
  };

  const unsubscribe = store.subscribe(e => {
    if (
      e.type !== 'DELETED' &&
      [INGRESS_KEY, GATEWAY_KEY, TLSROUTE_KEY].includes(e.typeKey)
    ) {
      const { namespace, name } = e.object.metadata;
      runtime.enqueue(`passthrough/${e.typeKey}/${namespace}/${name}`, () =>
        reconcile(e.typeKey, namespace!, name),
      );
    }
  });

  return {
    listen: (port: number) =>
      listener.listen(address, port).catch(error => {
        log(`passthrough listener ${address}:${port}: ${String(error)}`);
        throw error;
      }),
    stop: async () => {
      unsubscribe();
      await listener.close();
    },
  };
}
