import { describe, expect, it } from "vitest";
import { jsonInputProblem, MAX_SEARCH_LENGTH, sanitiseSearch } from "./input-limits";

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

describe("jsonInputProblem", () => {
  it("accepts ordinary JSON up to the depth limit, emoji included", () => {
    expect(jsonInputProblem({ a: [1, "x", null, { b: "é😀" }] }, "the body", 3)).toBeUndefined();
    expect(jsonInputProblem(nested(32), "the body", 32)).toBeUndefined();
    expect(jsonInputProblem("plain", "the body", 1)).toBeUndefined();
  });

  it("refuses nesting past the limit, without recursing (100,000 levels)", () => {
    expect(jsonInputProblem(nested(33), "the event data", 32)).toBe("The event data nests deeper than 32 levels of objects and arrays.");
    expect(jsonInputProblem(nested(100_000), "the body", 64)).toMatch(/nests deeper than 64/);
  });

  it("refuses lone surrogates and NUL in strings and keys", () => {
    expect(jsonInputProblem({ a: "x\ud800" }, "the body", 8)).toMatch(/^Text in the body must be well-formed Unicode/);
    expect(jsonInputProblem({ a: ["\udc00y"] }, "the body", 8)).toMatch(/lone UTF-16 surrogate/);
    expect(jsonInputProblem({ "\ud83d": 1 }, "the body", 8)).toMatch(/^A key in the body must be well-formed Unicode/);
    expect(jsonInputProblem({ a: "x\u0000" }, "the body", 8)).toBe("Text in the body cannot contain NUL (\\u0000) characters.");
    expect(jsonInputProblem({ "k\u0000": 1 }, "the body", 8)).toMatch(/^A key in the body cannot contain NUL/);
  });
});

describe("sanitiseSearch", () => {
  it("turns control characters into spaces, mends lone surrogates, trims and caps the length", () => {
    expect(sanitiseSearch("\u0000")).toBe("");
    expect(sanitiseSearch(" evt_1\u0000x ")).toBe("evt_1 x");
    expect(sanitiseSearch("a\ud800b")).toBe("a\ufffdb");
    expect(sanitiseSearch(null)).toBe("");
    expect(sanitiseSearch("x".repeat(500))).toHaveLength(MAX_SEARCH_LENGTH);
    // A pair cut at the limit does not leave half a character behind.
    expect(sanitiseSearch(`${"x".repeat(MAX_SEARCH_LENGTH - 1)}😀`).isWellFormed()).toBe(true);
  });
});
