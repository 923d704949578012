import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher";

describe("createBatcher", () => {
  it("answers calls made together with one run, each with its own result", async () => {
    const runs: number[][] = [];
    const double = createBatcher(async (items: number[]) => {
      runs.push(items);
      return items.map((n) => n * 2);
    }, { maxBatch: 10 });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(await double(5)).toBe(10);
    expect(runs).toHaveLength(2);
  });

  it("splits at maxBatch", async () => {
    const sizes: number[] = [];
    const echo = createBatcher(async (items: number[]) => {
      sizes.push(items.length);
      return items;
    }, { maxBatch: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(echo))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("isolates a failing item: it alone gets the error, the others of its batch are run again without it", async () => {
    const stored: number[] = [];
    let runs = 0;
    // All-or-nothing like one SQL statement: a batch holding 13 stores nothing.
    const store = createBatcher(async (items: number[]) => {
      runs += 1;
      if (items.includes(13)) throw new Error("refused: 13");
      stored.push(...items);
      return items.map((n) => n * 10);
    }, { maxBatch: 64 });
    const results = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => store(i)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([{ status: "rejected", reason: new Error("refused: 13") }]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : null))).toEqual(Array.from({ length: 64 }, (_, i) => (i === 13 ? null : i * 10)));
    expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i).filter((i) => i !== 13));
    // One bad item in 64 costs the first run plus two per halving (6 halvings), not one run per item.
    expect(runs).toBe(13);
  });

  it("isolates a run that throws synchronously (a serializer giving up) and several bad items", async () => {
    const store = createBatcher((items: { bad: boolean }[]) => {
      if (items.some((i) => i.bad)) throw new RangeError("Maximum call stack size exceeded");
      return Promise.resolve(items.map(() => "ok"));
    }, { maxBatch: 10 });
    const results = await Promise.allSettled([false, true, false, false, true, false].map((bad) => store({ bad })));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
  });

  it("gives every caller its error when every item fails, in at most 2n - 1 runs", async () => {
    let runs = 0;
    const down = createBatcher(async (): Promise<number[]> => {
      runs += 1;
      throw new Error("database down");
    }, { maxBatch: 8 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => down(i)));
    expect(results.every((r) => r.status === "rejected" && (r.reason as Error).message === "database down")).toBe(true);
    expect(runs).toBe(15);
  });
});
