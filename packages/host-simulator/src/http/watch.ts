import { IncomingMessage, ServerResponse } from 'node:http';
import { ClusterApi, WatchEvent } from '../api';
import { ApiError, errors } from '../errors';
import { JsonObject } from '../json';
import { KubeObject } from '../model';
import { apiVersionOf } from '../registry';
import { WireFormat } from './body';
import { encodeWatchFrame, PROTOBUF } from './protobuf';
import { queryBool, queryInt } from './query';
import { MetadataTarget, watchObject } from './partialMetadata';
import { present, ResourceRequest } from './resource';
import { TableConvertor } from './table';

/** An open watch stream, so faults and shutdown can cut it. */
export interface WatchConnection {
  end(graceful: boolean): void;
  gone(): void;
}

/**
 * Streams a watch as chunked JSON lines: history or initial state, then live
 * events, bookmarks when allowed, `timeoutSeconds`, and a 410 ERROR event for a
 * version older than the history.
 */
export function streamWatch(
  api: ClusterApi,
  watches: Set<WatchConnection>,
  bookmarkIntervalMs: number,
  req: IncomingMessage,
  res: ServerResponse,
  rr: ResourceRequest,
  q: URLSearchParams,
  format: WireFormat,
  target?: MetadataTarget,
) {
  const bookmarks = queryBool(q, 'allowWatchBookmarks');
  const initialEvents = queryBool(q, 'sendInitialEvents');
  if (
    initialEvents &&
    (!bookmarks || q.get('resourceVersionMatch') !== 'NotOlderThan')
  ) {
    throw errors.invalid(
      'ListOptions',
      'meta.k8s.io',
      '',
      'sendInitialEvents',
      'Forbidden: sendInitialEvents requires setting allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan',
    );
  }
  // A Table watch converts every event, bookmarks included
  // (watchEmbeddedEncoder); a bad includeObject is a 400 before the stream starts.
  const tables =
    target?.kind === 'Table'
      ? new TableConvertor(api, rr, target, q).watchConverter()
      : undefined;
  const transform = (obj: KubeObject) =>
    tables ? tables(obj) : watchObject(obj, target);
  const timeoutSeconds = queryInt(q, 'timeoutSeconds');
  let lastRv = String(api.store.resourceVersion);
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  const timers: NodeJS.Timeout[] = [];
  const write = (event: { type: string; object: object }) => {
    if (closed) {
      return;
    }
    if (format === 'protobuf') {
      res.write(encodeWatchFrame(event.type, event.object as JsonObject));
    } else {
      res.write(`${JSON.stringify(event)}\n`);
    }
  };
  const connection: WatchConnection & { close(): void } = {
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      timers.forEach(t => clearTimeout(t));
      watches.delete(connection);
    },
    end: graceful => {
      connection.close();
      if (graceful) {
        res.end();
      } else {
        res.destroy();
        req.socket.destroy();
      }
    },
    gone: () => {
      write({
        type: 'ERROR',
        object: errors
          .expired(
            `too old resource version: ${lastRv} (${api.store.oldestResumableVersion})`,
          )
          .toStatus(),
      });
      connection.close();
      res.end();
    },
  };
  res.writeHead(200, {
    'Content-Type':
      format === 'protobuf' ? `${PROTOBUF};stream=watch` : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  watches.add(connection);
  res.on('close', connection.close);
  // A client that vanished mid-stream must not take the server down.
  res.on('error', connection.close);
  const send = (event: WatchEvent) => {
    lastRv = event.object.metadata.resourceVersion;
    write({
      type: event.type,
      object: transform(present(rr, event.object)),
    });
  };
  try {
    unsubscribe = api.watch(
      rr.type,
      {
        namespace: rr.namespace,
        labelSelector: q.get('labelSelector'),
        // A legacy named watch (/watch/…/<name>) is a watch with a metadata.name field selector.
        fieldSelector: [
          q.get('fieldSelector'),
          rr.name ? `metadata.name=${rr.name}` : '',
        ]
          .filter(Boolean)
          .join(','),
        // Watch-list (sendInitialEvents): the current state first, whatever the version.
        resourceVersion: initialEvents ? '' : q.get('resourceVersion'),
      },
      send,
    );
    if (initialEvents) {
      write({
        type: 'BOOKMARK',
        object: transform({
          kind: rr.type.kind,
          apiVersion: apiVersionOf(rr.type.group, rr.version),
          metadata: {
            resourceVersion: String(api.store.resourceVersion),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        }),
      });
    }
  } catch (error) {
    // Like the watch cache, a too-old version is reported in-stream after a 200.
    const status =
      error instanceof ApiError
        ? error.toStatus()
        : errors.internal(String(error)).toStatus();
    write({ type: 'ERROR', object: status });
    connection.close();
    res.end();
    return;
  }
  if (closed) {
    unsubscribe();
    return;
  }
  if (bookmarks) {
    const tick = () => {
      write({
        type: 'BOOKMARK',
        object: transform({
          kind: rr.type.kind,
          apiVersion: apiVersionOf(rr.type.group, rr.version),
          metadata: {
            resourceVersion: String(api.store.resourceVersion),
          },
        }),
      });
      timers[0] = setTimeout(tick, bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, bookmarkIntervalMs);
  }
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
    timers[1] = setTimeout(() => connection.end(true), timeoutSeconds * 1000);
  }
}
