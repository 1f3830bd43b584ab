import type { ReadableStream } from 'node:stream/web';

/**
 * The part of a request the OAuth endpoints read. Both the Functions `HttpRequest` and the standard
 * fetch `Request` have it, so handlers are tested without a Functions host.
 */
export interface HttpInput {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

/** A response as the Functions `HttpResponseInit` takes it (a structural subset). */
export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  jsonBody?: unknown;
  body?: string;
}
