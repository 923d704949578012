import { randomUUID } from "node:crypto";
import { startReceiver } from "../testing/https-receiver";
import { expect, test } from "./fixtures";
import { EndpointPage } from "./pages/endpoint-page";
import { LogsPage } from "./pages/logs-page";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * Issue 16, items 9, 11, 12 and 18: Logs paging (Newer / Older), the total, time presets, the range check, the search
 * (id prefixes, recipient email, badgeId) and phones; the endpoints list's state and 24-hour sparkline.
 * The 55 deliveries belong to the platform organization (the admin's) of the second app (without SMTP), where no
 * other spec creates endpoints: its events reach no other spec's endpoints, and the main app's admin organization
 * stays empty (webhooks.spec checks that).
 */
test.describe("Logs paging, search and phones", () => {
  test.describe.configure({ timeout: 120_000 });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  test.beforeAll(async () => {
    receiver = await startReceiver({ host: "::1" });
  });

  test.afterAll(async () => {
    await receiver.close();
  });

  test.describe("on the second app", () => {
    test.use({ baseURL: process.env.E2E_NO_SMTP_URL });

    test("55 deliveries: total, Older and Newer, search by email, id prefix and badgeId, presets, a refused range, the sparkline", async ({ page, signInAs }) => {
      await signInAs("admin");
      const id = unique();
      const path = `/paging-${id}`;
      const webhooks = new WebhooksPage(page);
      const endpointId = await webhooks.create({ url: `${receiver.url}${path}`, events: ["credential.expired"] });

      // An API key, then one batch of 55 events.
      await page.goto("/api-keys");
      await page.getByRole("button", { name: "Create API key" }).click();
      await page.getByLabel("Name").fill(`Paging ${id}`);
      await page.getByRole("button", { name: "Create key" }).click();
      const key = (await page.getByTestId("new-api-key").textContent())!.trim();
      const events = Array.from({ length: 55 }, (_, i) => ({
        type: "credential.expired",
        data: {
          credentialId: `CRD-${id}-${i}`,
          credentialUuid: randomUUID(),
          badgeId: `BDG-${id}`,
          recipientEmail: i === 7 ? `Jane.${id}@Example.com` : `p${i}.${id}@example.com`,
          issuanceDate: "2026-01-01T09:00:00Z",
          expirationDate: "2026-06-01T09:00:00Z",
          expiredAt: "2026-06-01T09:00:00Z",
        },
      }));
      const response = await page.request.post("/api/v1/events/batch", { headers: { authorization: `Bearer ${key}` }, data: { events } });
      expect(response.status()).toBeLessThan(300);
      await expect.poll(() => receiver.requests.filter((r) => r.path === path).length, { timeout: 30_000 }).toBe(55);

      // The total, and 50 a page: Older, then Newer back to the same first page.
      const logs = new LogsPage(page);
      await expect(async () => {
        await logs.goto(`endpoint=${endpointId}`);
        await expect(logs.total).toHaveText("55 deliveries match", { timeout: 1000 });
        await expect(logs.rows("credential.expired")).toHaveCount(50, { timeout: 1000 });
      }).toPass({ timeout: 20_000 });
      const firstOfNewest = await logs.rows("credential.expired").first().locator("code").nth(1).textContent();
      await expect(logs.pageLink("Newer")).toHaveCount(0);
      await logs.pageLink("Older").click();
      await expect(page).toHaveURL(/before=\d{16}_dlv_/);
      await expect(logs.rows("credential.expired")).toHaveCount(5);
      await expect(logs.pageLink("Older")).toHaveCount(0);
      await logs.pageLink("Newer").click();
      await expect(page).toHaveURL(/after=\d{16}_dlv_/);
      await expect(logs.rows("credential.expired")).toHaveCount(50);
      await expect(logs.rows("credential.expired").first()).toContainText(firstOfNewest!);
      await expect(logs.pageLink("Older")).toBeVisible();

      // The search box says what it searches; the email matches in any case, ids by their beginning.
      await logs.goto(`endpoint=${endpointId}`);
      await expect(logs.filters).toContainText("recipient email");
      await expect(logs.filters).toContainText("badgeId");
      await logs.search.fill(`JANE.${id}@EXAMPLE.COM`);
      await expect(page).toHaveURL(/q=JANE/);
      await expect(logs.rows("credential.expired")).toHaveCount(1);
      await expect(logs.total).toHaveText("1 delivery match");
      const eventId = (await logs.rows("credential.expired").first().locator("code").nth(1).textContent())!;
      await logs.search.fill(eventId.slice(0, 14));
      await expect(page).toHaveURL(new RegExp(`q=${eventId.slice(0, 14)}`));
      await expect(logs.rows(eventId)).toHaveCount(1);
      await logs.search.fill(`BDG-${id}`);
      await expect(logs.total).toHaveText("55 deliveries match");
      // Emptied, the search leaves the URL: no empty parameters.
      await logs.search.fill("");
      await expect(page).toHaveURL(new RegExp(`/webhooks/logs\\?endpoint=${endpointId}$`));

      // Time presets.
      await logs.choose(logs.time, "Last hour");
      await expect(page).toHaveURL(/range=1h/);
      await expect(logs.total).toHaveText("55 deliveries match");
      await logs.choose(logs.time, "Last 7 days");
      await expect(page).toHaveURL(/range=7d/);

      // From after To: refused in the form (the URL keeps the preset) and, typed into the URL, said on the page.
      await logs.from.fill("15 Jan 2026, 13:00");
      await logs.to.fill("15 Jan 2026, 12:00");
      await expect(logs.filters.getByRole("alert")).toHaveText("From must be before To: change one of them.");
      await expect(logs.to).toHaveAttribute("aria-invalid", "true");
      await page.waitForTimeout(800);
      await expect(page).not.toHaveURL(/to=/);
      await logs.goto(`endpoint=${endpointId}&from=2026-01-15T13:00&to=2026-01-15T12:00`);
      await expect(page.getByTestId("range-error")).toHaveText("From must be before To: change one of them.");
      await expect(logs.rows("credential.expired")).toHaveCount(0);

      // The endpoints list: Healthy and 100% over 24 hours, told in words to screen readers.
      await webhooks.gotoList();
      const row = webhooks.rowFor(`${receiver.url}${path}`);
      await expect(row.getByTestId("health-badge")).toHaveText("Healthy");
      await expect(row.getByTestId("success-sparkline")).toHaveAttribute("data-rate", "100%");
      await expect(row.getByRole("img", { name: "100% succeeded in the last 24 hours (55 of 55 deliveries), no hour with failures" })).toBeVisible();
    });
  });

  test("a disabled endpoint's list row says Disabled, why, and 0%; no green Active", async ({ page, signInAs }) => {
    await signInAs("partner");
    const path = `/gone-${unique()}`;
    const webhooks = new WebhooksPage(page);
    await webhooks.create({ url: `${receiver.url}${path}`, events: ["credential.expired"] });
    receiver.enqueue({ kind: "status", status: 410 });
    await new EndpointPage(page).sendTestEvent();
    await webhooks.gotoList();
    const row = webhooks.rowFor(`${receiver.url}${path}`);
    await expect(row.getByTestId("health-badge")).toHaveText("Disabled");
    await expect(row.getByTestId("health-detail")).toContainText("410");
    await expect(row).not.toContainText("Active");
    await expect(row.getByTestId("success-sparkline")).toHaveAttribute("data-rate", "0%");
  });

  test.describe("at 390 px", () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test("filters fold behind a Filters button, deliveries are a list with the status in sight, nothing scrolls sideways", async ({ page, signInAs }) => {
      await signInAs("partner");
      const path = `/narrow-${unique()}`;
      const webhooks = new WebhooksPage(page);
      const endpointId = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
      receiver.enqueue({ kind: "status", status: 503, headers: { "retry-after": "3600" } });
      await new EndpointPage(page).sendTestEvent();

      const logs = new LogsPage(page);
      await page.goto(`/webhooks/logs?endpoint=${endpointId}`);
      await expect(logs.filters).toBeHidden();
      const toggle = page.getByRole("button", { name: "Filters (1)" });
      await expect(toggle).toHaveAttribute("aria-expanded", "false");
      await toggle.click();
      await expect(logs.filters).toBeVisible();
      await expect(logs.status).toBeVisible();
      await toggle.click();
      await expect(logs.filters).toBeHidden();

      const item = logs.items("session.completed");
      await expect(item).toHaveCount(1);
      const status = item.getByText(/^Retrying at /);
      await expect(status).toBeVisible();
      const box = (await status.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await expect(item.getByRole("button", { name: "Retry now" })).toBeVisible();
      await expect(page.getByRole("table")).toBeHidden();

      // The endpoints list on a phone: each endpoint's state and sparkline in sight, not past the right edge.
      await page.goto("/webhooks");
      const listed = page.getByTestId("endpoints-list").getByRole("link").filter({ hasText: path });
      await expect(listed.getByTestId("health-badge")).toBeVisible();
      await expect(listed.getByTestId("success-sparkline")).toBeVisible();
      const sparkline = (await listed.getByTestId("success-sparkline").boundingBox())!;
      expect(sparkline.x + sparkline.width).toBeLessThanOrEqual(390);

      for (const url of ["/webhooks", "/webhooks/logs", "/events", `/webhooks/${endpointId}`]) {
        await page.goto(url);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(sideways, `${url} scrolls sideways`).toBeLessThanOrEqual(0);
      }
    });
  });
});
