import { InvalidRequestError, PayloadTooLargeError } from '../oauth/errors.js';
import type { HttpInput } from './types.js';

/** Default body limit for OAuth endpoints: registration metadata and token requests are far smaller. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${limit} bytes, the limit for this endpoint.`);
}

/**
 * Reads the body, refusing more than `limit` bytes: early from `Content-Length`, and while streaming
 * (a chunked body has no length), so an oversized body is never buffered whole.
 */
export async function readBody(request: HttpInput, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}

/** The media type of the request, lower-cased, without parameters. */
export function mediaType(request: HttpInput): string {
  return (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Reads an `application/json` body (object expected). Throws `InvalidRequestError` saying what is wrong. */
export async function readJsonBody(request: HttpInput, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, unknown>> {
  if (mediaType(request) !== 'application/json') {
    throw new InvalidRequestError('The request body must be JSON, sent with Content-Type: application/json.');
  }
  const text = (await readBody(request, limit)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * Reads an `application/x-www-form-urlencoded` body (token, revoke). A parameter sent twice is refused,
 * as RFC 6749 §3.2 requires: otherwise two parsers could disagree about which value counts.
 */
export async function readFormBody(request: HttpInput, limit = DEFAULT_BODY_LIMIT): Promise<URLSearchParams> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequestError('The request body must be sent with Content-Type: application/x-www-form-urlencoded.');
  }
  const params = new URLSearchParams((await readBody(request, limit)).toString('utf8'));
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) throw new InvalidRequestError(`The parameter "${name.slice(0, 64)}" is included more than once.`);
    seen.add(name);
  }
  return params;
}
