/**
 * Micro-batching: calls made in the same moment are answered by one call of `run` with all their items. Each
 * database statement costs a round trip and several system calls; under load, dozens of deliveries finishing
 * together then cost one statement instead of dozens. When idle, a lone call waits only for the current turn of
 * the event loop (setImmediate), so latency is unchanged.
 *
 * Items are isolated: callers in one batch often belong to different organizations, so one item the statement
 * refuses (a value PostgreSQL rejects, a foreign key gone, a serializer that gives up) must not fail the others.
 * When `run` fails for a batch of several items, the batch is split in two and each half is run again, down to
 * the single item that fails, which alone gets the error. `run` must therefore be all-or-nothing for its items (one
 * statement, or one transaction): a failed run changed nothing, so running its items again is safe. One bad item in
 * a batch of 64 costs about a dozen extra statements; a failure of every item (the database is down) costs at most
 * 2n - 1 runs, and each caller still gets its error.
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: { maxBatch: number },
): (item: I) => Promise<O> {
  type Pending = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };
  let queue: Pending[] = [];
  let scheduled = false;

  const settle = async (batch: Pending[]): Promise<void> => {
    let results: O[];
    try {
      // Through a promise so a synchronous throw (e.g. JSON.stringify on a value nested too deep) is a failure too.
      results = await Promise.resolve().then(() => run(batch.map((b) => b.item)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await Promise.all([settle(batch.slice(0, half)), settle(batch.slice(half))]);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i] as O));
  };

  const flush = () => {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(options.maxBatch);
      void settle(batch);
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
