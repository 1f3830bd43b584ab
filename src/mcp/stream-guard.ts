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

export function guardStream(source: ReadableStream<Uint8Array>, options: StreamGuardOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = () => {
    if (!finished) options.onEnd?.();
    finished = true;
    if (timer) clearInterval(timer);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        void options
          .stillAuthorised()
          .catch(() => false)
          .then((ok) => {
            if (ok || finished) return;
            finish();
            options.onRevoked?.();
            controller.close();
            void reader.cancel('session no longer authorised').catch(() => undefined);
          });
      }, options.intervalMs);
      timer.unref(); // a guard must never keep the process alive
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (finished) return;
        if (done) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch {
        // The upstream died (the extension's host went away): end the client's stream cleanly rather
        // than cutting it, as for any other end of the session; an SSE client reconnects either way,
        // and a half-received event is dropped by its parser.
        if (finished) return;
        finish();
        controller.close();
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
