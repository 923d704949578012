import { describe, expect, it } from "vitest";
import { toCurl } from "./curl";

describe("toCurl", () => {
  it("quotes every part for a POSIX shell, single quotes included", () => {
    expect(toCurl("https://h.example/x?a=1&b=2", { "x-api-key": "ab••••••••", "content-type": "application/json" }, `{"note":"it's"}`)).toBe(
      [
        "curl -X POST 'https://h.example/x?a=1&b=2'",
        "  -H 'x-api-key: ab••••••••'",
        "  -H 'content-type: application/json'",
        `  --data-raw '{"note":"it'\\''s"}'`,
      ].join(" \\\n"),
    );
  });
});
