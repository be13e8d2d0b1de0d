import { Installer } from '../installers';
import { HostClient } from './HostClient';

const MAX_IN_FLIGHT = 8;

/**
 * Whether a cluster's kubeconfig Secret exists yet: Running needs it, and the
 * installer writes it only after the control plane is up. Secrets are not
 * watched, as that would need list/watch on every Secret of the host; instead
 * the cache asks once per cluster when everything else says Running, and again
 * after `retryMs` until the Secret is there. The Secret's content is dropped.
 */
export class KubeconfigProbe {
  private readonly ready = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Checks waiting for a free slot; they count as pending for whenIdle. */
  private readonly deferred = new Set<string>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly client: HostClient,
    private readonly installer: Installer,
    /** Called when an answer (or a retry) is due, to re-derive the cluster. */
    private readonly recheck: (namespace: string) => void,
    private readonly retryMs = 1000,
  ) {}

  /** True once the Secret was seen; otherwise starts a check and says false. */
  isReady(namespace: string, name: string): boolean {
    if (this.ready.has(namespace)) {
      return true;
    }
    this.check(namespace, name);
    return false;
  }

  /** Drops what is known about a namespace, e.g. when it is gone. */
  forget(namespace: string): void {
    this.ready.delete(namespace);
    this.deferred.delete(namespace);
    clearTimeout(this.timers.get(namespace));
    this.timers.delete(namespace);
  }

  /** Resolves when no check is running or waiting for a slot. */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0 && this.deferred.size === 0) {
      return Promise.resolve();
    }
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.timers.forEach(timer => clearTimeout(timer));
    this.timers.clear();
    this.deferred.clear();
    this.notifyIdle();
  }

  private check(namespace: string, name: string): void {
    if (this.inFlight.has(namespace) || this.timers.has(namespace)) {
      return;
    }
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.deferred.add(namespace);
      this.retryLater(namespace, this.retryMs / 4);
      return;
    }
    this.deferred.delete(namespace);
    this.inFlight.add(namespace);
    const secret = this.installer.kubeconfigSecret(name);
    this.client
      .readSecretKey(namespace, secret.name, secret.key)
      .then(
        value => {
          if (value) {
            this.ready.add(namespace);
          }
        },
        () => undefined,
      )
      .finally(() => {
        this.inFlight.delete(namespace);
        if (this.ready.has(namespace)) {
          this.recheck(namespace);
        } else {
          this.retryLater(namespace, this.retryMs);
        }
        this.notifyIdle();
      });
  }

  private notifyIdle(): void {
    if (this.inFlight.size === 0 && this.deferred.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach(resolve => resolve());
    }
  }

  private retryLater(namespace: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(namespace);
      this.deferred.delete(namespace);
      // Re-deriving the cluster asks again if it still looks Running.
      this.recheck(namespace);
      this.notifyIdle();
    }, delayMs);
    timer.unref();
    this.timers.set(namespace, timer);
  }
}
