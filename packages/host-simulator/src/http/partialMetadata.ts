import { ApiError } from '../errors';
import { KubeObject } from '../model';

/**
 * Metadata-only responses, as kube-apiserver serves them to controllers and
 * `kubectl get --raw` alike: an Accept clause such as
 * `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` turns a
 * list into a PartialObjectMetadataList and `as=PartialObjectMetadata` turns
 * an object or each watch event into a PartialObjectMetadata.
 *
 * Source: kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go
 * (doTransformObject, asPartialObjectMetadata, asPartialObjectMetadataList,
 * watchEmbeddedEncoder) and rest.go's AllowsMediaTypeTransform: only
 * meta.k8s.io v1 and v1beta1 qualify; a list asked for as an object and an
 * object asked for as a list get 406 NotAcceptable; a watch whose events
 * cannot be converted sends them unconverted; Status objects are never
 * converted. The item is `meta.AsPartialObjectMetadata`: the whole
 * ObjectMeta, nothing else.
 *
 * Simplification: only the JSON encoding converts (a protobuf clause with
 * `as=` is skipped, like any clause the server cannot serve), and clauses are
 * taken in the order given rather than sorted by q.
 */
export interface MetadataTarget {
  /** `Table` is served by table.ts. */
  kind: 'PartialObjectMetadata' | 'PartialObjectMetadataList' | 'Table';
  apiVersion: string;
}

const GROUP = 'meta.k8s.io';
const VERSIONS = ['v1', 'v1beta1'];
const KINDS = ['PartialObjectMetadata', 'PartialObjectMetadataList', 'Table'];
const PLAIN =
  /^(\*\/\*|application\/\*|application\/json|application\/[\w.-]+\+json|application\/yaml|application\/vnd\.kubernetes\.protobuf)$/;

/** The conversion the first usable Accept clause asks for, if any. */
export function metadataTarget(
  accept: string | undefined,
): MetadataTarget | undefined {
  for (const clause of (accept ?? '').split(',')) {
    const [range, ...rawParams] = clause.split(';').map(p => p.trim());
    const mediaType = range.toLowerCase();
    if (!mediaType) {
      continue;
    }
    const params = new Map(
      rawParams.map(p => {
        const [k, ...v] = p.split('=');
        return [k.trim(), v.join('=').trim()] as const;
      }),
    );
    const as = params.get('as');
    if (as === undefined) {
      if (PLAIN.test(mediaType)) {
        // The first servable clause asks for the object itself.
        return undefined;
      }
      continue;
    }
    if (
      mediaType === 'application/json' &&
      KINDS.includes(as) &&
      params.get('g') === GROUP &&
      VERSIONS.includes(params.get('v') ?? '')
    ) {
      return {
        kind: as as MetadataTarget['kind'],
        apiVersion: `${GROUP}/${params.get('v')}`,
      };
    }
  }
  return undefined;
}

function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

/** One object as PartialObjectMetadata (406 when a list was asked for). */
export function asPartialObjectMetadata(
  obj: KubeObject,
  target: MetadataTarget,
  kind: string,
): object {
  if (target.kind !== 'PartialObjectMetadata') {
    throw notAcceptable(
      `you requested PartialObjectMetadataList, but the requested object is not a list (*${kind})`,
    );
  }
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: target.apiVersion,
    metadata: obj.metadata,
  };
}

/** A list as PartialObjectMetadataList (406 when an object was asked for). */
export function asPartialObjectMetadataList(
  items: KubeObject[],
  listMetadata: object,
  target: MetadataTarget,
  listKind: string,
): object {
  if (target.kind !== 'PartialObjectMetadataList') {
    throw notAcceptable(
      `you requested PartialObjectMetadata, but the requested object is a list (*${listKind})`,
    );
  }
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: target.apiVersion,
    metadata: listMetadata,
    items: items.map(item => ({
      kind: 'PartialObjectMetadata',
      apiVersion: target.apiVersion,
      metadata: item.metadata,
    })),
  };
}

/** A watch event's object (bookmarks too): converted when it can be, else as it is (watchEmbeddedEncoder). */
export function watchObject(
  obj: { kind?: string; apiVersion?: string; metadata: object },
  target: MetadataTarget | undefined,
): object {
  if (!target || target.kind !== 'PartialObjectMetadata') {
    return obj;
  }
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: target.apiVersion,
    metadata: obj.metadata,
  };
}
