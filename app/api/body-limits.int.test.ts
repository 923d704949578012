import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: lib/env.ts reads these once.
vi.hoisted(() => {
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_herald_integration_tests_only";
});

const { NextRequest } = await import("next/server");
const { closeDb } = await import("@/db");
const { createApiKey } = await import("@/lib/api-keys");
const { prepareDatabase } = await import("@/lib/startup");
const { createTestOrganization } = await import("@/testing/organization");
const { guardServerActionPayload } = await import("@/lib/server-action-guard");
const stripe = await import("./webhooks/stripe/route");
const events = await import("./v1/events/route");
const auth = await import("./auth/[...nextauth]/route");

/**
 * Issue 13, item 6: every body reader stops at its limit, whatever the body claims. Each body here is a stream of
 * 64 KB chunks with no Content-Length (as a chunked upload arrives), 64 MB long: the reader must stop pulling soon
 * after its limit, where `request.text()` pulled (and held) all of it.
 */
const CHUNK = 64 * 1024;
const LENGTH = 64 * 1024 * 1024;

function endlessBody() {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= LENGTH) return controller.close();
      counter.pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { stream, counter };
}

function chunkedRequest(url: string, headers: Record<string, string>) {
  const { stream, counter } = endlessBody();
  // `duplex` is what Node needs for a streamed body; the DOM's RequestInit type does not know it yet.
  const init = { method: "POST", headers, body: stream, duplex: "half" } as unknown as ConstructorParameters<typeof NextRequest>[1];
  const request = new NextRequest(url, init);
  return { request, counter };
}

let key: string;

beforeAll(async () => {
  await prepareDatabase();
  key = (await createApiKey({ name: "body limits" }, await createTestOrganization("body-limits", "enterprise"))).key;
});

afterAll(async () => {
  await closeDb();
});

describe("request bodies are read with a limit that stops the read", () => {
  it.each([
    ["POST /api/webhooks/stripe (any signature)", "http://localhost/api/webhooks/stripe", { "stripe-signature": "t=1,v1=00" }, 1024 * 1024, "The body is over 1 MB."],
    ["POST /api/v1/events", "http://localhost/api/v1/events", { "content-type": "application/json" }, 256 * 1024, "The body is over 256 KB."],
    ["POST /api/auth/callback/credentials", "http://localhost/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" }, 64 * 1024, "The body is over 64 KB."],
  ] as const)("%s: 413 with the JSON error, having read at most the limit and one chunk", async (label, url, headers, limit, message) => {
    const { request, counter } = chunkedRequest(url, { ...headers, authorization: `Bearer ${key}` });
    const handler = label.includes("stripe") ? stripe.POST : label.includes("events") ? events.POST : auth.POST;
    const response = await (handler as (r: Request) => Promise<Response>)(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "payload_too_large", message } });
    expect(counter.pulled).toBeLessThanOrEqual(limit + 2 * CHUNK);
    expect(counter.cancelled).toBe(true);
  });

  it("a server action body (text or form) over 1 MB: 413 from the proxy's guard, read no further", async () => {
    for (const type of ["text/plain;charset=UTF-8", "multipart/form-data; boundary=x"]) {
      const { request, counter } = chunkedRequest("http://localhost/settings", { "next-action": "00ab", "content-type": type });
      const refused = await guardServerActionPayload(request);
      expect(refused?.status).toBe(413);
      expect(await refused?.json()).toEqual({ error: { code: "payload_too_large", message: "The request is over 1 MB." } });
      // The guard reads a clone (a tee, which pulls a chunk or two ahead): still bounded by the limit, not the body.
      expect(counter.pulled).toBeLessThanOrEqual(1024 * 1024 + 4 * CHUNK);
    }
  });

  it("a body within the limit still arrives whole (a declared Content-Length over it is refused unread)", async () => {
    const body = JSON.stringify({ type: "credential.revoked", data: { nope: true } });
    const ok = await events.POST(new Request("http://localhost/api/v1/events", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body }));
    // Read whole and parsed: the catalog's schema answers, not the size limit.
    expect(ok.status).toBe(400);
    expect(((await ok.json()) as { error: { code: string } }).error.code).toBe("bad_request:event_data");
    const { request, counter } = chunkedRequest("http://localhost/api/v1/events", { authorization: `Bearer ${key}`, "content-length": String(10 * 1024 * 1024) });
    expect((await events.POST(request)).status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(CHUNK);
  });
});
