import { ControllerContext } from '../controllers/context';
import { recordEvent } from '../controllers/events';
import { field, writeStatus } from '../controllers/kinds';
import { Logger } from '../controllers/runtime';
import { isJsonObject } from '../json';
import { StoredObject } from '../model';
import { ServiceRouter } from './endpoints';
import { forward, Listener } from './forward';

export interface LoadBalancerOptions {
  /** The address pool: addresses in 127.0.0.0/8, or one `first-last` range. */
  addresses: string[] | string;
  /** Where the Service's port 443 is served (default 443; any other port for unprivileged runs). */
  httpsPort?: number;
}

/** Expands `127.0.0.10-127.0.0.20` (last octet range) or a list into addresses. */
export function poolAddresses(addresses: string[] | string): string[] {
  if (Array.isArray(addresses)) {
    return addresses;
  }
  const range = /^(\d+\.\d+\.\d+\.)(\d+)-(?:\d+\.\d+\.\d+\.)?(\d+)$/.exec(
    addresses.trim(),
  );
  if (!range) {
    return [addresses.trim()];
  }
  const result: string[] = [];
  for (let i = Number(range[2]); i <= Number(range[3]); i++) {
    result.push(`${range[1]}${i}`);
  }
  return result;
}

function servicePorts(service: StoredObject) {
  const ports = field(service, 'spec').ports;
  return (Array.isArray(ports) ? ports.filter(isJsonObject) : [])
    .map(p => p.port)
    .filter((p): p is number => typeof p === 'number');
}

function assignedIp(service: StoredObject): string | undefined {
  const ingress = field(field(service, 'status'), 'loadBalancer').ingress;
  const first = Array.isArray(ingress) ? ingress[0] : undefined;
  return isJsonObject(first) && typeof first.ip === 'string'
    ? first.ip
    : undefined;
}

/**
 * A bare-metal load-balancer controller like MetalLB (layer 2) or
 * cloud-provider-kind: each Service of type LoadBalancer without a
 * `loadBalancerClass` gets an address from the pool in
 * `status.loadBalancer.ingress`, and the address really serves the Service's
 * ports. An exhausted pool leaves the Service pending with an
 * `AllocationFailed` event.
 */
export function loadBalancerController(
  ctx: ControllerContext,
  router: ServiceRouter,
  options: LoadBalancerOptions,
  log: Logger,
) {
  const { api, store, kinds, runtime } = ctx;
  const serviceKey = api.key(kinds.service);
  const pool = poolAddresses(options.addresses);
  const httpsPort = options.httpsPort ?? 443;
  /** ip → the Service holding it. */
  const owners = new Map<string, string>();
  /** `ns/name` → its listeners. */
  const listeners = new Map<string, { ip: string; listeners: Listener[] }>();

  const wantsAddress = (service: StoredObject | undefined) =>
    service !== undefined &&
    !service.metadata.deletionTimestamp &&
    field(service, 'spec').type === 'LoadBalancer' &&
    !field(service, 'spec').loadBalancerClass;

  const stopServing = (key: string) => {
    const current = listeners.get(key);
    if (current) {
      listeners.delete(key);
      current.listeners.forEach(l => void l.close());
    }
  };

  const serve = (key: string, service: StoredObject, ip: string) => {
    const current = listeners.get(key);
    if (current?.ip === ip) {
      return;
    }
    stopServing(key);
    const { namespace, name } = service.metadata;
    const entry = {
      ip,
      listeners: servicePorts(service).map(port => {
        const listener = new Listener(socket => {
          router
            .resolve(namespace!, name, port)
            .then(target => forward(socket, target))
            .catch(error => {
              log(`${`load balancer ${ip}:${port}`}: ${String(error)}`);
              socket.destroy();
            });
        });
        const listenPort = port === 443 ? httpsPort : port;
        listener.listen(ip, listenPort).catch(error => {
          log(`load balancer ${ip}:${listenPort} for ${key}: ${String(error)}`);
        });
        return listener;
      }),
    };
    listeners.set(key, entry);
  };

  const release = (key: string) => {
    let freed = false;
    for (const [ip, owner] of owners) {
      if (owner === key) {
        owners.delete(ip);
        freed = true;
      }
    }
    stopServing(key);
    if (freed) {
      // A pending Service gets the freed address.
      for (const service of store.list(serviceKey)) {
        if (wantsAddress(service) && !assignedIp(service)) {
          const { namespace, name } = service.metadata;
          runtime.enqueue(`loadbalancer/${namespace}/${name}`, () =>
            reconcile(namespace!, name),
          );
        }
      }
    }
  };

  function reconcile(namespace: string, name: string) {
    const key = `${namespace}/${name}`;
    const service = api.tryGet(kinds.service, namespace, name);
    if (!service || !wantsAddress(service)) {
      release(key);
      if (
        service &&
        assignedIp(service) &&
        field(service, 'spec').type !== 'LoadBalancer'
      ) {
        // No longer a LoadBalancer: the service controller clears the status.
        writeStatus(api, kinds.service, service, { loadBalancer: {} });
      }
      return;
    }
    let ip = assignedIp(service);
    if (!ip || owners.get(ip) !== key) {
      const requested = field(service, 'spec').loadBalancerIP;
      const candidates =
        typeof requested === 'string' && requested ? [requested] : pool;
      ip = candidates.find(a => pool.includes(a) && !owners.has(a));
      if (!ip) {
        recordEvent(
          ctx,
          service,
          'Warning',
          'AllocationFailed',
          `Failed to allocate IP for "${key}": no available IPs`,
          'metallb-controller',
        );
        return;
      }
      owners.set(ip, key);
      writeStatus(api, kinds.service, service, {
        loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] },
      });
      recordEvent(
        ctx,
        service,
        'Normal',
        'IPAllocated',
        `Assigned IP ["${ip}"]`,
        'metallb-controller',
      );
    }
    serve(key, service, ip);
  }

  const unsubscribe = store.subscribe(e => {
    if (e.typeKey !== serviceKey) {
      return;
    }
    const { namespace, name } = e.object.metadata;
    const key = `${namespace}/${name}`;
    if (e.type === 'DELETED') {
      release(key);
      return;
    }
    // Restored or already assigned addresses stay with their Service.
    const ip = assignedIp(e.object);
    if (ip && pool.includes(ip) && !owners.has(ip) && wantsAddress(e.object)) {
      owners.set(ip, key);
    }
    runtime.enqueue(
      `loadbalancer/${key}`,
      () => reconcile(namespace!, name),
      wantsAddress(e.object) && !ip ? ctx.delays().loadBalancerMs : 0,
    );
  });

  return async () => {
    unsubscribe();
    await Promise.all(
      [...listeners.values()].flatMap(e => e.listeners.map(l => l.close())),
    );
    listeners.clear();
  };
}
