/**
 * Micro-batching: calls made in the same moment are answered by one call of `run` with all their items. Each
 * database statement costs a round trip and several system calls; under load, dozens of deliveries finishing
 * together then cost one statement instead of dozens. When idle, a lone call waits only for the current turn of
 * the event loop (setImmediate), so latency is unchanged.
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: { maxBatch: number },
): (item: I) => Promise<O> {
  let queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(options.maxBatch);
      run(batch.map((b) => b.item)).then(
        (results) => batch.forEach((b, i) => b.resolve(results[i] as O)),
        (error: unknown) => batch.forEach((b) => b.reject(error)),
      );
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
