import type { Readable } from 'node:stream';

/**
 * Ends a long-lived stream (the legacy SSE GET) once its session stops being authorised, so that
 * revoking a grant also closes an SSE session already open rather than only refusing its next POST.
 * `stillAuthorised` runs every `intervalMs` (it reads the grant from a cache, so this costs no Cosmos
 * call most of the time); a check that throws counts as "not authorised" (fail closed). An upstream
 * that fails mid-stream also ends the stream cleanly.
 */
export interface StreamGuardOptions {
  stillAuthorised: () => Promise<boolean>;
  intervalMs: number;
  /** Told when the guard ended the stream. */
  onRevoked?: () => void;
  /** Told once when the stream ends, however it ends (done, revoked, upstream failed, client gone). */
  onEnd?: () => void;
}

/**
 * The chunks of `source` (the extension's reply) as they arrive, until the session is revoked, the
 * upstream ends or fails, or the reader stops (`return`); in every case `source` is destroyed, which
 * ends the upstream request, and `onEnd` is told once. A plain async iterator over the socket's
 * chunks: no stream objects of its own between the upstream and the client.
 */
export function guardStream(source: Readable, options: StreamGuardOptions): AsyncIterableIterator<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    source.destroy();
    options.onEnd?.();
  };
  const timer = setInterval(() => {
    void options
      .stillAuthorised()
      .catch(() => false)
      .then((ok) => {
        if (ok || finished) return;
        options.onRevoked?.();
        finish(); // a read in progress ends (below)
      });
  }, options.intervalMs);
  timer.unref(); // a guard must never keep the process alive
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return done;
      try {
        const result = await chunks.next();
        if (result.done || finished) finish();
        return finished ? done : result;
      } catch {
        // Revoked, or the upstream died (the extension's host went away): end the client's stream
        // cleanly rather than cutting it, as for any other end of the session; an SSE client
        // reconnects either way, and a half-received event is dropped by its parser.
        finish();
        return done;
      }
    },
    async return() {
      finish();
      return done;
    },
  };
}
