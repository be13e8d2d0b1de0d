import { LoggerService } from '@backstage/backend-plugin-api';
import type { Watch } from '@kubernetes/client-node';
import { describeHostError } from './HostClient';

/** One page of a LIST call. */
export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  continueToken?: string;
}

/** What to watch on a host and how to reduce each object to what the cache keeps. */
export interface WatchedResource<T> {
  /** Short name for logs and health messages, e.g. `statefulsets`. */
  name: string;
  /** Collection path for WATCH, e.g. `/apis/apps/v1/statefulsets`. */
  path: string;
  labelSelector: string;
  fieldSelector?: string;
  /** The watch client when not the host's plain one, e.g. metadata-only. */
  watch?: Watch;
  /**
   * Whether records are also kept grouped by namespace (`byNamespace`): a
   * Map per namespace costs more than the record it holds, so only kinds
   * looked up by namespace ask for it.
   */
  groupedByNamespace?: boolean;
  list(options: {
    labelSelector: string;
    fieldSelector?: string;
    limit: number;
    continueToken?: string;
  }): Promise<ListPage>;
  /** Reduces an object to the cached record; undefined drops it. */
  reduce(object: unknown): T | undefined;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

type WatchEventListener = (namespaces: Set<string> | 'all') => void;

interface Meta {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
  };
}

const PAGE_SIZE = 500;

/**
 * Keeps an in-memory copy of one kind of object on one host: list once, then
 * watch from the list's resourceVersion; re-list when the watch says 410 Gone;
 * back off exponentially while the host fails.
 */
export class ResourceWatcher<T> {
  readonly items = new Map<string, T>();
  /** With `groupedByNamespace`: the same records grouped by namespace. */
  readonly byNamespace = new Map<string, Map<string, T>>();
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private failures = 0;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  synced = false;
  error: string | undefined;
  lastSyncAt: Date | undefined;

  constructor(
    private readonly resource: WatchedResource<T>,
    private readonly watch: Watch,
    private readonly backoff: Backoff,
    private readonly logger: LoggerService,
    private readonly onChange: WatchEventListener,
    private readonly onHealth: () => void,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake();
  }

  /** Cuts the current backoff short, e.g. after a write showed the host is back. */
  wake(): void {
    if (this.sleepTimer) {
      clearTimeout(this.sleepTimer);
      this.sleepTimer = undefined;
      this.wakeUp?.();
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) {
          await this.relist();
        }
        const startedAt = Date.now();
        await this.watchOnce();
        // A watch the server keeps closing at once must not spin.
        if (Date.now() - startedAt < 100) {
          await this.sleep(100);
        }
      } catch (error) {
        if (this.stopped) {
          return;
        }
        this.failures += 1;
        const message = describeHostError(error);
        if (this.error !== message) {
          this.logger.warn(
            `Watching ${this.resource.name} failed: ${message}; retrying with backoff`,
          );
        }
        this.error = message;
        this.onHealth();
        await this.sleep(this.delay());
      }
    }
  }

  private delay(): number {
    const exp = this.backoff.initialMs * 2 ** Math.min(this.failures - 1, 16);
    const capped = Math.min(exp, this.backoff.maxMs);
    return capped / 2 + Math.random() * (capped / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      this.wakeUp = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = undefined;
        resolve();
      }, ms);
    });
  }

  private async relist(): Promise<void> {
    const next = new Map<string, T>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.resource.list({
        labelSelector: this.resource.labelSelector,
        fieldSelector: this.resource.fieldSelector,
        limit: PAGE_SIZE,
        continueToken,
      });
      for (const object of page.items) {
        const key = keyOf(object as Meta);
        const record = this.resource.reduce(object);
        if (key && record !== undefined) {
          next.set(key, record);
        }
      }
      continueToken = page.continueToken || undefined;
      resourceVersion = page.resourceVersion;
    } while (continueToken);
    this.items.clear();
    this.byNamespace.clear();
    for (const [key, value] of next) {
      this.put(key, value);
    }
    this.resourceVersion = resourceVersion;
    this.markHealthy();
    this.onChange('all');
  }

  private markHealthy(): void {
    const changed = !this.synced || this.error !== undefined;
    if (this.error !== undefined) {
      this.logger.info(`Watching ${this.resource.name} recovered`);
    }
    this.synced = true;
    this.error = undefined;
    this.failures = 0;
    this.lastSyncAt = new Date();
    if (changed) {
      this.onHealth();
    }
  }

  private watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let connected = false;
      const finish = (error?: unknown) => {
        if (!settled) {
          settled = true;
          if (error) {
            reject(error);
          } else {
            resolve();
          }
        }
      };
      (this.resource.watch ?? this.watch)
        .watch(
          this.resource.path,
          {
            labelSelector: this.resource.labelSelector,
            fieldSelector: this.resource.fieldSelector,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type: string, object: unknown) => {
            if (settled) {
              return;
            }
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              if (status.code === 410) {
                // Our resourceVersion is too old: start over with a fresh list.
                this.resourceVersion = undefined;
                this.abort?.abort();
                finish();
                return;
              }
              this.abort?.abort();
              finish(
                new Error(
                  `watch error ${status.code ?? ''} ${
                    status.message ?? ''
                  }`.trim(),
                ),
              );
              return;
            }
            this.apply(type, object as Meta);
          },
          (error: unknown) => {
            // Our own abort, the client's inactivity timeout on a quiet watch,
            // and a connection cut after the host answered (API servers and
            // proxies drop watches routinely) are normal ends: the loop simply
            // watches again, and only a failed reconnect makes the host unhealthy.
            const normalEnd =
              connected ||
              (error instanceof Error &&
                (error.name === 'AbortError' || error.name === 'TimeoutError'));
            finish(error && !normalEnd && !this.stopped ? error : undefined);
          },
        )
        .then(controller => {
          connected = true;
          this.abort = controller;
          if (this.stopped) {
            controller.abort();
          } else if (!settled && this.error !== undefined) {
            // The host answered the watch: it is reachable again.
            this.markHealthy();
          }
        }, finish);
    });
  }

  private apply(type: string, object: Meta): void {
    const resourceVersion = object.metadata?.resourceVersion;
    if (resourceVersion) {
      this.resourceVersion = resourceVersion;
    }
    if (type === 'BOOKMARK') {
      this.markHealthy();
      return;
    }
    const key = keyOf(object);
    if (!key) {
      return;
    }
    const record =
      type === 'DELETED' ? undefined : this.resource.reduce(object);
    if (record === undefined) {
      this.remove(key);
    } else {
      this.put(key, record);
    }
    if (this.error !== undefined || !this.synced) {
      this.markHealthy();
    }
    this.onChange(new Set([groupOf(key)]));
  }

  private put(key: string, record: T): void {
    this.items.set(key, record);
    if (!this.resource.groupedByNamespace) {
      return;
    }
    const group = groupOf(key);
    let records = this.byNamespace.get(group);
    if (!records) {
      records = new Map();
      this.byNamespace.set(group, records);
    }
    records.set(key, record);
  }

  private remove(key: string): void {
    this.items.delete(key);
    if (!this.resource.groupedByNamespace) {
      return;
    }
    const group = groupOf(key);
    const records = this.byNamespace.get(group);
    records?.delete(key);
    if (records?.size === 0) {
      this.byNamespace.delete(group);
    }
  }
}

function groupOf(key: string): string {
  return key.split('/')[0];
}

function keyOf(object: Meta): string | undefined {
  const name = object.metadata?.name;
  if (!name) {
    return undefined;
  }
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}
