import { describe, expect, it } from "vitest";
import { readUrlState, stateKey, urlWith } from "./url-state";

describe("URL state", () => {
  const keys = ["status", "endpoint", "q"] as const;

  it("reads the first value of each key and treats empty values as absent", () => {
    const params = new URLSearchParams("status=succeeded&status=failed&q=&other=1");
    expect(readUrlState(params, keys)).toEqual({ status: "succeeded" });
  });

  it("writes a patch without empty parameters, keeping the other keys", () => {
    const params = new URLSearchParams("status=failed&live=1&before=123_dlv_x");
    expect(urlWith("/webhooks/logs", params, { status: "succeeded", before: undefined, q: "" })).toBe("/webhooks/logs?status=succeeded&live=1");
    // A changed key keeps its place; a new one comes last.
    expect(urlWith("/webhooks/logs", new URLSearchParams("status=failed&type=x"), { status: "pending", q: "ses_1" })).toBe(
      "/webhooks/logs?status=pending&type=x&q=ses_1",
    );
    expect(urlWith("/webhooks/logs", params, { status: null, live: null, before: null })).toBe("/webhooks/logs");
  });

  it("changes its key exactly when a watched value changes", () => {
    expect(stateKey({ status: "failed" }, keys)).toBe(stateKey({ status: "failed" }, keys));
    expect(stateKey({ status: "failed" }, keys)).not.toBe(stateKey({}, keys));
  });
});
