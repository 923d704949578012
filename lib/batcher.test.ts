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

  it("splits at maxBatch and rejects every caller of a failed run", async () => {
    const sizes: number[] = [];
    const failing = createBatcher(async (items: number[]) => {
      sizes.push(items.length);
      if (items.includes(3)) throw new Error("boom");
      return items;
    }, { maxBatch: 2 });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(failing));
    expect(sizes).toEqual([2, 2, 1]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected", "fulfilled"]);
  });
});
