import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../errors';
import { JsonValue } from '../json';

const MAX_BODY = 8 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body, or YAML for server-side apply. */
export function parseBody(
  text: string,
  contentType: string | undefined,
): JsonValue | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  // Only JSON (and YAML for apply) bodies: protobuf and CBOR get 415, and client-go falls back to JSON.
  const mediaType = (contentType ?? 'application/json').split(';')[0].trim();
  if (
    !/^application\/(json|[\w.-]+\+json|apply-patch\+yaml|yaml)$/.test(
      mediaType,
    )
  ) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
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

export function sendJson(res: ServerResponse, code: number, body: unknown) {
  sendRaw(res, code, JSON.stringify(body));
}

export function sendRaw(
  res: ServerResponse,
  code: number,
  text: string,
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

export function sendError(res: ServerResponse, error: unknown) {
  const apiError =
    error instanceof ApiError
      ? error
      : errors.internal(error instanceof Error ? error.message : String(error));
  sendJson(res, apiError.code, apiError.toStatus());
}
