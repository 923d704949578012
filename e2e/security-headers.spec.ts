import type { APIResponse, Page, Response } from "@playwright/test";
import { expect, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The nonce of a response's policy, after checking the policy is the strict one. */
function strictPolicyNonce(response: Response | APIResponse): string {
  const headers = response.headers();
  const policy = headers["content-security-policy"] ?? "";
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
  expect(nonce, `a nonce in ${policy}`).toBeTruthy();
  expect(policy).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
  expect(policy).not.toContain("unsafe-eval");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("base-uri 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  return nonce!;
}

/** Every script element of the page as served carries the response's nonce (a script without it would not run). */
async function expectScriptsNonced(response: APIResponse, nonce: string) {
  const html = await response.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, "a script without the nonce").toContain(`nonce="${nonce}"`);
}

async function visit(page: Page, path: string, heading?: string | RegExp) {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  expect(response!.status(), path).toBeLessThan(400);
  const nonce = strictPolicyNonce(response!);
  // The same page fetched again with the browser's cookies: its HTML as served (the browser's copy may have moved on).
  const served = await page.request.get(path);
  await expectScriptsNonced(served, strictPolicyNonce(served));
  if (heading) await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  // Hydrated: the client-side navigation below works only when Next's scripts ran under the policy.
  return nonce;
}

test.describe("security headers", () => {
  test("the login page is served with a strict policy, a fresh nonce per request, and still works", async ({ page, signInAs }) => {
    const first = await visit(page, "/login");
    const second = await visit(page, "/login");
    expect(second).not.toBe(first);
    // The sign-in form is a server action: it works only if React hydrated under the policy.
    await signInAs("partner");
  });

  test("every portal page carries the policy and reports no violation", async ({ page, signInAs }) => {
    // A dozen pages, each loaded twice, and a test event: more than the default 30 s on a busy machine.
    test.setTimeout(120_000);
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const endpointId = await webhooks.create({ url: `https://csp-${unique()}.acme.example/hook` });
    await page.getByRole("button", { name: "Send test event" }).click();
    const delivery = page.getByTestId("test-event-result").getByRole("link", { name: "View delivery" });
    await expect(delivery).toBeVisible({ timeout: 20_000 });
    const deliveryPath = (await delivery.getAttribute("href"))!;

    await visit(page, "/webhooks", "Webhooks");
    await visit(page, "/webhooks/new", "Create Webhook");
    await visit(page, `/webhooks/${endpointId}`);
    // A Select (Radix adds a style element to its list when it opens): the policy must allow it.
    await page.getByRole("combobox", { name: "Event type" }).click();
    await expect(page.getByRole("listbox")).toBeVisible();
    await page.keyboard.press("Escape");
    await visit(page, `/webhooks/logs?endpoint=${endpointId}`);
    await visit(page, deliveryPath);
    for (const path of ["/api-keys", "/billing", "/settings", "/events", "/api-docs"]) await visit(page, path);
    // A dialog (Radix puts a scroll lock style element in the page): the policy must allow it.
    await visit(page, "/api-keys");
    await page.getByRole("button", { name: "Create API key" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.keyboard.press("Escape");
    // Not found, too.
    const missing = await page.goto(`/webhooks/ep_${"0".repeat(20)}`);
    expect(missing?.status()).toBe(404);
    strictPolicyNonce(missing!);
  });

  test("admin pages carry the policy and report no violation", async ({ page, signInAs }) => {
    test.setTimeout(60_000);
    await signInAs("admin");
    for (const path of ["/admin", "/admin/logs", "/admin/stripe-events"]) await visit(page, path);
  });

  test("a script injected into a page without the nonce does not run", async ({ page, cspViolations }) => {
    await page.route("**/login", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace("</body>", "<script>window.__injected = true</script></body>");
      await route.fulfill({ response, body: html });
    });
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await expect.poll(() => cspViolations.some((v) => /inline script/i.test(v))).toBe(true);
    // This one was provoked on purpose.
    cspViolations.length = 0;
  });

  test("API responses may not be framed or sniffed, and run nothing", async ({ request }) => {
    const response = await request.get("/api/health");
    const headers = response.headers();
    expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  });
});
