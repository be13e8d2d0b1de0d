import { ControllerContext } from '../controllers/context';
import { Logger } from '../controllers/runtime';
import { field } from '../controllers/kinds';
import { isJsonObject } from '../json';
import { ServiceRouter } from './endpoints';
import { forward, Listener } from './forward';

interface Route {
  namespace: string;
  service: string;
  port: number;
}

/**
 * kube-proxy's NodePorts: each nodePort a Service holds is a real listener on
 * the node address, relaying to one of the Service's ready endpoints.
 */
export function nodePortProxy(
  ctx: ControllerContext,
  router: ServiceRouter,
  log: Logger,
) {
  const listeners = new Map<number, { route: Route; listener: Listener }>();
  const serviceKey = ctx.api.key(ctx.kinds.service);

  const open = (nodePort: number, route: Route) => {
    const entry = {
      route,
      listener: new Listener(socket => {
        const { namespace, service, port } = entry.route;
        router
          .resolve(namespace, service, port)
          .then(target => forward(socket, target))
          .catch(error => {
            log(`${`nodePort ${nodePort}`}: ${String(error)}`);
            socket.destroy();
          });
      }),
    };
    listeners.set(nodePort, entry);
    entry.listener.listen(ctx.nodeAddress, nodePort).catch(error => {
      log(
        `nodePort ${nodePort} of ${route.namespace}/${
          route.service
        } cannot listen on ${ctx.nodeAddress}: ${String(error)}`,
      );
    });
  };

  const sync = (namespace: string, name: string) => {
    const service = ctx.store.get(serviceKey, namespace, name);
    const wanted = new Map<number, Route>();
    const ports = field(service, 'spec').ports;
    for (const p of Array.isArray(ports) ? ports.filter(isJsonObject) : []) {
      if (typeof p.nodePort === 'number' && typeof p.port === 'number') {
        wanted.set(p.nodePort, { namespace, service: name, port: p.port });
      }
    }
    for (const [nodePort, entry] of listeners) {
      const { route } = entry;
      if (
        route.namespace === namespace &&
        route.service === name &&
        !wanted.has(nodePort)
      ) {
        listeners.delete(nodePort);
        void entry.listener.close();
      }
    }
    for (const [nodePort, route] of wanted) {
      const current = listeners.get(nodePort);
      if (current) {
        current.route = route;
      } else {
        open(nodePort, route);
      }
    }
  };

  const unsubscribe = ctx.store.subscribe(e => {
    if (e.typeKey === serviceKey) {
      sync(e.object.metadata.namespace!, e.object.metadata.name);
    }
  });
  return async () => {
    unsubscribe();
    await Promise.all([...listeners.values()].map(e => e.listener.close()));
    listeners.clear();
  };
}
