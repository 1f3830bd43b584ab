/**
 * `make`, run by the first call and its result shared by every later one, but a failure is not kept:
 * the next call runs `make` again. For what is loaded or built on first use (an SDK imported lazily, a
 * client that discovers its authority) where a failure is usually passing (a cold start during an outage).
 */
export function onceSucceeded<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}
