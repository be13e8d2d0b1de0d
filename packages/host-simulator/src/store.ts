import { objectKey, StoredObject } from './model';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  typeKey: string;
  object: StoredObject;
  /** The previous state, for MODIFIED events (selector transitions). */
  oldObject?: StoredObject;
  rv: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreSnapshot {
  resourceVersion: number;
  objects: { typeKey: string; object: StoredObject }[];
}

/**
 * Objects by type, namespace and name with one global resourceVersion counter and a
 * bounded event log (the "watch cache"): watches can resume from any version still in
 * the log, older versions are answered with 410 Gone, like etcd after compaction.
 *
 * Stored objects are treated as immutable: writers always store a fresh object.
 */
export class Store {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private log: StoreEvent[] = [];
  private compactedRv = 1;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly eventLogSize = 20000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** Versions strictly below this one can no longer be watched from. */
  get oldestResumableVersion(): number {
    return this.compactedRv;
  }

  get(typeKey: string, namespace: string | undefined, name: string) {
    return this.objects.get(typeKey)?.get(objectKey(namespace, name));
  }

  /** Objects of a type sorted by namespace/name, optionally in one namespace. */
  list(typeKey: string, namespace?: string): StoredObject[] {
    const byKey = this.objects.get(typeKey);
    if (!byKey) {
      return [];
    }
    let keys = this.sortedKeys.get(typeKey);
    if (!keys) {
      keys = [...byKey.keys()].sort();
      this.sortedKeys.set(typeKey, keys);
    }
    const result: StoredObject[] = [];
    for (const key of keys) {
      const obj = byKey.get(key)!;
      if (namespace === undefined || obj.metadata.namespace === namespace) {
        result.push(obj);
      }
    }
    return result;
  }

  typeKeys(): string[] {
    return [...this.objects.keys()];
  }

  count(): number {
    let n = 0;
    for (const byKey of this.objects.values()) {
      n += byKey.size;
    }
    return n;
  }

  /** Stores an object under a new resourceVersion and emits ADDED or MODIFIED. */
  write(typeKey: string, object: StoredObject): StoredObject {
    const rv = ++this.rv;
    object.metadata.resourceVersion = String(rv);
    let byKey = this.objects.get(typeKey);
    if (!byKey) {
      byKey = new Map();
      this.objects.set(typeKey, byKey);
    }
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const oldObject = byKey.get(key);
    byKey.set(key, object);
    if (!oldObject) {
      this.sortedKeys.delete(typeKey);
    }
    this.emit({
      type: oldObject ? 'MODIFIED' : 'ADDED',
      typeKey,
      object,
      oldObject,
      rv,
    });
    return object;
  }

  /** Removes an object and emits DELETED carrying the deletion's resourceVersion. */
  remove(typeKey: string, namespace: string | undefined, name: string) {
    const byKey = this.objects.get(typeKey);
    const key = objectKey(namespace, name);
    const existing = byKey?.get(key);
    if (!byKey || !existing) {
      return undefined;
    }
    const rv = ++this.rv;
    byKey.delete(key);
    this.sortedKeys.delete(typeKey);
    const object: StoredObject = {
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(rv) },
    };
    this.emit({ type: 'DELETED', typeKey, object, rv });
    return object;
  }

  /** Events after `rv`, or undefined when they have been compacted away. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) {
      return undefined;
    }
    // The log is ordered by rv; find the first event newer than rv.
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].rv <= rv) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return this.log.slice(lo);
  }

  /** Forgets every past event, so any older resourceVersion is now too old. */
  compact() {
    // Like etcd compaction at the current revision: the next version starts a fresh history.
    this.log = [];
    this.compactedRv = ++this.rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [typeKey, byKey] of this.objects) {
      for (const object of byKey.values()) {
        objects.push({ typeKey, object });
      }
    }
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot without emitting events; earlier versions cannot be watched from. */
  restore(snapshot: StoreSnapshot) {
    this.objects.clear();
    this.sortedKeys.clear();
    for (const { typeKey, object } of snapshot.objects) {
      let byKey = this.objects.get(typeKey);
      if (!byKey) {
        byKey = new Map();
        this.objects.set(typeKey, byKey);
      }
      byKey.set(
        objectKey(object.metadata.namespace, object.metadata.name),
        object,
      );
    }
    this.rv = snapshot.resourceVersion;
    this.log = [];
    this.compactedRv = this.rv;
  }

  /**
   * Announces every object to the listeners as ADDED without logging or versioning,
   * so controllers pick up restored state. Only for use before any watch is open.
   */
  resync() {
    for (const [typeKey, byKey] of this.objects) {
      for (const object of [...byKey.values()]) {
        for (const listener of this.listeners) {
          listener({ type: 'ADDED', typeKey, object, rv: this.rv });
        }
      }
    }
  }

  private emit(event: StoreEvent) {
    this.log.push(event);
    if (this.log.length > this.eventLogSize * 1.5) {
      const dropped = this.log.length - this.eventLogSize;
      this.compactedRv = this.log[dropped - 1].rv;
      this.log = this.log.slice(dropped);
    }
    for (const listener of this.listeners) {
      listener(event);
    }
  }
}
