import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../errors';
import { isJsonObject, JsonValue } from '../json';
import { decodeProtobuf, encodeProtobuf, PROTOBUF } from './protobuf';

const MAX_BODY = 8 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) {
      throw new ApiError(413, 'BadRequest', 'the request body is too large');
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body, YAML (apply), or a Kubernetes protobuf envelope of a built-in type. */
export function parseBody(
  bytes: Buffer,
  contentType: string | undefined,
): JsonValue | undefined {
  const mediaType = (contentType ?? 'application/json').split(';')[0].trim();
  if (mediaType === PROTOBUF && bytes.length > 0) {
    return decodeProtobuf(bytes);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    return undefined;
  }
  // CBOR (and protobuf of types without a definition) get 415, and client-go falls back to JSON.
  if (
    !/^application\/(json|[\w.-]+\+json|apply-patch\+yaml|yaml)$/.test(
      mediaType,
    )
  ) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF}`,
    );
  }
  try {
    if ((contentType ?? '').includes('yaml')) {
      return parseYaml(text) as JsonValue;
    }
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw errors.badRequest(
      `the request body could not be decoded: ${(e as Error).message}`,
    );
  }
}

/** How a response body is encoded: JSON unless the client accepts only protobuf. */
export type WireFormat = 'json' | 'protobuf';

/** The response encoding for an Accept header, as the API server negotiates it (406 when nothing fits). */
export function responseFormat(accept: string | undefined): WireFormat {
  const ranges = (accept ?? '')
    .split(',')
    .map(r => r.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
  if (
    ranges.length === 0 ||
    ranges.some(r =>
      /^(\*\/\*|application\/\*|application\/json|application\/[\w.-]+\+json|application\/yaml)$/.test(
        r,
      ),
    )
  ) {
    return 'json';
  }
  if (ranges.includes(PROTOBUF)) {
    return 'protobuf';
  }
  throw new ApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/yaml, ${PROTOBUF}`,
  );
}

export function sendJson(res: ServerResponse, code: number, body: unknown) {
  sendRaw(res, code, JSON.stringify(body));
}

/** Sends a Kubernetes object (with apiVersion and kind) in the negotiated format. */
export function sendObject(
  res: ServerResponse,
  code: number,
  body: unknown,
  format: WireFormat,
) {
  if (format === 'protobuf' && isJsonObject(body as JsonValue)) {
    sendRaw(
      res,
      code,
      encodeProtobuf(body as { [k: string]: JsonValue }),
      PROTOBUF,
    );
    return;
  }
  sendJson(res, code, body);
}

export function sendRaw(
  res: ServerResponse,
  code: number,
  text: string | Buffer,
  contentType = 'application/json',
) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  error: unknown,
  format: WireFormat = 'json',
) {
  const apiError =
    error instanceof ApiError
      ? error
      : errors.internal(error instanceof Error ? error.message : String(error));
  sendObject(res, apiError.code, apiError.toStatus(), format);
}
