import { startReceiver } from "../testing/https-receiver";
import { expect, test } from "./fixtures";
import { chooseOption } from "./pages/logs-page";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("webhook endpoints", () => {
  test("an empty organization is invited to create its first webhook", async ({ page, signInAs }) => {
    // Admin's organization has no endpoints of its own in a fresh database.
    await signInAs("admin");
    await expect(page.getByRole("heading", { name: "No webhook endpoints yet" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Create Webhook" })).toBeVisible();
  });

  test("create with defaults, then find it listed with 30 s and 3 retries", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const url = `https://hooks-${unique()}.acme.example/herald`;
    await webhooks.openCreate();
    await webhooks.fillForm({ url, header: { name: "X-API-Key", value: "sk_live_12345" } });
    await webhooks.submitCreate();
    // The toast first: it lives 4 s, and on a busy machine the endpoint's page can take longer than that to show.
    await expect(webhooks.toast("Webhook created")).toBeVisible();
    await expect(page).toHaveURL(/\/webhooks\/ep_[0-9a-z]{20}$/);
    await expect(page.getByTestId("endpoint-url")).toHaveText(url);
    // Saved header values come back masked.
    await expect(page.getByLabel("Header value")).toHaveValue("sk••••••••");
    await webhooks.gotoList();
    const row = webhooks.rowFor(url);
    await expect(row).toContainText("Healthy");
    await expect(row).toContainText("All events");
    await expect(row.getByTestId("endpoint-delivery-settings")).toHaveText("30 s · 3 retries");
    await row.getByRole("link").first().click();
    await expect(page.getByTestId("endpoint-url")).toHaveText(url);
  });

  for (const [name, fill, message] of [
    ["an http:// URL", { url: "http://hooks.acme.example/plain" }, "Use an https:// URL"],
    ["a private IP", { url: "https://10.1.2.3/hook" }, "10.1.2.3 is a private address"],
    ["a decimal loopback IP", { url: "https://2130706433/hook" }, "127.0.0.1 is a loopback address"],
    ["cloud metadata", { url: "https://169.254.169.254/latest" }, "link-local"],
    ["a reserved header", { url: "https://ok.acme.example/x", header: { name: "Content-Type", value: "text/plain" } }, "Content-Type is set by"],
  ] as const) {
    test(`${name} is refused with a message and nothing is stored`, async ({ page, signInAs }) => {
      await signInAs("partner");
      const webhooks = new WebhooksPage(page);
      await webhooks.openCreate();
      await webhooks.fillForm(fill);
      await webhooks.submitCreate();
      await expect(webhooks.fieldError().filter({ hasText: message })).toBeVisible();
      await expect(page).toHaveURL(/\/webhooks\/new$/);
      await webhooks.gotoList();
      await expect(webhooks.rowFor(fill.url)).toHaveCount(0);
    });
  }

  test("edit, disable and enable, rotate the secret, then delete", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const url = `https://edit-${unique()}.acme.example/hook`;
    await webhooks.create({ url });

    // Edit: description, URL, retries, one chosen event.
    const newUrl = url.replace("/hook", "/v2");
    await page.getByLabel("Endpoint URL").fill(newUrl);
    await page.getByLabel("Description").fill("Production receiver");
    await page.getByLabel("Retries").fill("5");
    await page.getByLabel("Only the events I choose").check();
    await page.getByRole("checkbox", { name: /credential\.revoked/ }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(webhooks.toast("Endpoint saved")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Production receiver", level: 1 })).toBeVisible();
    await expect(page.getByTestId("endpoint-url")).toHaveText(newUrl);
    await page.reload();
    await expect(page.getByLabel("Retries")).toHaveValue("5");
    await expect(page.getByRole("checkbox", { name: /credential\.revoked/ })).toBeChecked();

    // Disable, then enable.
    const active = page.getByRole("switch", { name: "Active" });
    await active.click();
    await expect(webhooks.toast("Endpoint disabled")).toBeVisible();
    await expect(page.getByText("Disabled", { exact: true })).toBeVisible();
    await active.click();
    await expect(webhooks.toast("Endpoint enabled")).toBeVisible();
    await expect(page.getByText("Active", { exact: true }).first()).toBeVisible();

    // Reveal, rotate, reveal again: a new secret, with the old one overlapping.
    const secret = page.getByTestId("signing-secret");
    await expect(secret).toContainText("•");
    await page.getByRole("button", { name: "Reveal" }).click();
    await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const first = await secret.textContent();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await webhooks.confirm("Rotate secret");
    await expect(webhooks.toast("Secret rotated")).toBeVisible();
    await expect(page.getByTestId("rotation-overlap")).toContainText("The previous secret still signs");
    await page.getByRole("button", { name: "Reveal" }).click();
    await expect(secret).toHaveText(/^whsec_/);
    expect(await secret.textContent()).not.toBe(first);

    // Delete, after confirming.
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await webhooks.confirm("Delete endpoint");
    // The toast comes with the action's answer, before the list loads (it stays through the navigation): checked
    // first, since on a loaded machine the list took longer than the toast's 5 s to appear.
    await expect(webhooks.toast("Endpoint deleted")).toBeVisible();
    await expect(page).toHaveURL(/\/webhooks$/);
    await expect(webhooks.rowFor(newUrl)).toHaveCount(0);
  });

  test("the free-plan organization sees the upgrade explanation, not the form", async ({ page, signInAs }) => {
    await signInAs("other");
    await expect(page.getByTestId("webhooks-upgrade")).toContainText("Outbound webhooks are part of the Enterprise plan");
    await expect(page.getByRole("link", { name: "Create Webhook" })).toHaveCount(0);
    await page.getByRole("link", { name: "See plans on Billing" }).click();
    await expect(page).toHaveURL(/\/billing$/);
    await page.goto("/webhooks/new");
    await expect(page.getByTestId("webhooks-upgrade")).toBeVisible();
    await expect(page.getByLabel("Endpoint URL")).toHaveCount(0);
  });

  test("another organization's endpoint is not found", async ({ page, signInAs, signInElsewhere }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const id = await webhooks.create({ url: `https://private-${unique()}.acme.example/hook` });
    const globex = await signInElsewhere("other");
    const response = await globex.goto(`/webhooks/${id}`);
    expect(response?.status()).toBe(404);
    await expect(globex.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(globex.getByText("acme.example")).toHaveCount(0);
  });
});

test.describe("send test event", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  test.beforeAll(async () => {
    receiver = await startReceiver({ host: "::1" });
  });

  test.afterAll(async () => {
    await receiver.close();
  });

  test("delivers the example, signed with the custom header, and shows the answer in place", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const path = `/test-${unique()}`;
    await webhooks.create({ url: `${receiver.url}${path}`, header: { name: "X-API-Key", value: "e2e-key" }, events: ["session.completed"] });
    receiver.enqueue({ kind: "status", status: 200, body: '{"received":true}' });
    await page.getByRole("button", { name: "Send test event" }).click();
    const result = page.getByTestId("test-event-result");
    await expect(result).toContainText("Delivered");
    await expect(result).toContainText("HTTP 200");
    await expect(result).toContainText('{"received":true}');
    const request = receiver.requests.find((r) => r.path === path)!;
    expect(request.headers["x-api-key"]).toBe("e2e-key");
    expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(JSON.parse(request.body)).toMatchObject({ type: "session.completed", data: { status: "COMPLETED" } });

    // A failing answer is shown as such, with the promise of a retry.
    receiver.enqueue({ kind: "status", status: 500, body: "receiver exploded" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(result).toContainText("Failed");
    await expect(result).toContainText("HTTP 500");
    await expect(result).toContainText("Herald will retry it");

    // The list shows the endpoint's latest delivery and its success rate once the retry went through.
    await expect(async () => {
      await webhooks.gotoList();
      const row = webhooks.rowFor(`${receiver.url}${path}`);
      await expect(row).toContainText("succeeded", { timeout: 1000 });
      await expect(row).toContainText("100%", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });

    // The endpoint's health: both deliveries succeeded in the end.
    await webhooks.rowFor(`${receiver.url}${path}`).getByRole("link").first().click();
    await expect(page.getByTestId("success-rate")).toHaveText("100%");
    await page.getByRole("link", { name: "7 days" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(page.getByRole("img", { name: /Deliveries per hour over the last 7d/ })).toBeVisible();
  });

  test("the delivery shows up in Logs with its attempt, payload and curl, and can be redelivered", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const path = `/logs-${unique()}`;
    const endpointId = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    receiver.enqueue({ kind: "status", status: 503, body: "maintenance" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 503");

    await shell.link("Logs").click();
    await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();
    // Filters apply as they change.
    await chooseOption(page, page.getByLabel("Endpoint", { exact: true }), new RegExp(`${path}$`));
    await expect(page).toHaveURL(new RegExp(`endpoint=${endpointId}`));
    const rows = page.getByRole("row").filter({ hasText: "session.completed" });
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("test");
    await rows.first().getByRole("link").first().click();

    await expect(page.getByRole("heading", { name: "session.completed", level: 1 })).toBeVisible();
    await expect(page.getByTestId("payload")).toContainText('"status": "COMPLETED"');
    const firstAttempt = page.getByTestId("attempt").first();
    await expect(firstAttempt).toContainText("Attempt 1");
    await expect(firstAttempt).toContainText("HTTP 503");
    await expect(firstAttempt).toContainText("maintenance");
    await expect(firstAttempt.getByRole("button", { name: "Copy as curl" })).toBeVisible();

    // The retry (base 200 ms in this server) succeeds; then a redelivery adds attempt 3 with the same webhook-id.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("delivery-status")).toHaveText("succeeded", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await page.getByRole("button", { name: "Redeliver" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Redelivery started" })).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("attempt")).toHaveCount(3, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const ids = new Set(receiver.requests.filter((r) => r.path === path).map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
  });

  test("after an outage, Redeliver failed sends the failed deliveries again and shows the progress", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const path = `/outage-${unique()}`;
    await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    await page.getByLabel("Retries").fill("0");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(webhooks.toast("Endpoint saved")).toBeVisible();
    receiver.enqueue({ kind: "status", status: 500, body: "down" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 500");

    // The receiver is back (its fallback answers 200): redeliver everything that failed in the last day.
    await page.getByRole("button", { name: "Redeliver failed" }).click();
    const progress = page.getByTestId("recover-progress");
    await expect(progress).toContainText("1 of 1 finished: 1 delivered, 0 failed again.");
    await expect(page.getByRole("progressbar", { name: "Redelivery progress" })).toHaveAttribute("aria-valuenow", "1");
    const hits = receiver.requests.filter((r) => r.path === path);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.headers["webhook-id"]).toBe(hits[1]!.headers["webhook-id"]);
  });

  test("an API key created in the portal publishes an event that reaches the endpoint and shows in Logs", async ({ page, signInAs, request }) => {
    const shell = await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const path = `/api-${unique()}`;
    // Its own event type, so that publishing (which fans out to every subscribed endpoint) reaches no other test's.
    const endpointId = await webhooks.create({ url: `${receiver.url}${path}`, events: ["bulk_issuance.completed"] });

    await shell.link("API keys").click();
    await page.getByRole("button", { name: "Create API key" }).click();
    await page.getByLabel("Name").fill("E2E backend");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    expect(key).toMatch(/^hk_live_/);
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("api-key-row").filter({ hasText: "E2E backend" })).toContainText(key.slice(0, 14));

    const response = await request.post("/api/v1/events", {
      headers: { authorization: `Bearer ${key}` },
      data: {
        type: "bulk_issuance.completed",
        data: { bulkIssuanceId: `BLK-${unique()}`, badgeId: "BDG-E2E", issuedCount: 10, failedCount: 0, completedAt: new Date().toISOString() },
      },
    });
    expect(response.status()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect.poll(() => receiver.requests.some((r) => r.path === path && r.headers["webhook-id"] === id), { timeout: 10_000 }).toBe(true);

    await page.goto(`/webhooks/logs?endpoint=${endpointId}&q=${id}`);
    await expect(page.getByRole("row").filter({ hasText: id })).toContainText("succeeded");
  });
});
