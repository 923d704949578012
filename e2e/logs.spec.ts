import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startReceiver } from "../testing/https-receiver";
import { ensureTestCertificates } from "../testing/test-ca";
import { expect, test } from "./fixtures";
import { EndpointPage } from "./pages/endpoint-page";
import { LogsPage } from "./pages/logs-page";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.describe("Logs filters follow the URL", () => {
  test("Back and Forward move the selects with the URL and the table (partner and admin)", async ({ page, signInAs }) => {
    await signInAs("partner");
    const logs = new LogsPage(page);
    await logs.goto();
    // Filters apply as they change, each change a step of Back/Forward.
    await logs.choose(logs.status, "succeeded");
    await expect(page).toHaveURL(/\/webhooks\/logs\?status=succeeded$/);
    await logs.choose(logs.type, "session.completed");
    await expect(page).toHaveURL(/\/webhooks\/logs\?status=succeeded&type=session\.completed$/);
    await expect(page.getByRole("button", { name: "Apply" })).toHaveCount(0);

    await page.goBack();
    await expect(page).toHaveURL(/\/webhooks\/logs\?status=succeeded$/);
    await expect(logs.status).toHaveText("succeeded");
    await expect(logs.type).toHaveText("Any type");
    await page.goBack();
    await expect(page).toHaveURL(/\/webhooks\/logs$/);
    await expect(logs.status).toHaveText("Any status");

    await page.goForward();
    await page.goForward();
    await expect(page).toHaveURL(/status=succeeded&type=/);
    await expect(logs.status).toHaveText("succeeded");
    await expect(logs.type).toHaveText("session.completed");

    // Typing searches after a pause; Back brings the box back to what the URL says.
    await logs.search.fill("evt_nothing");
    await expect(page).toHaveURL(/q=evt_nothing/);
    await page.goBack();
    await expect(page).not.toHaveURL(/q=/);
    await expect(logs.search).toHaveValue("");

    // Empty filters never reach the URL; Clear removes them all.
    await logs.choose(logs.status, "pending");
    await expect(page).toHaveURL(/\/webhooks\/logs\?status=pending&type=session\.completed$/);
    await logs.choose(logs.type, "Any type");
    await expect(page).toHaveURL(/\/webhooks\/logs\?status=pending$/);
    await logs.filters.getByRole("button", { name: "Clear" }).click();
    await expect(page).toHaveURL(/\/webhooks\/logs$/);
    await expect(logs.status).toHaveText("Any status");
  });

  test("the admin's organization filter and organization search follow the URL too", async ({ page, signInAs }) => {
    await signInAs("admin");
    const logs = new LogsPage(page);
    await logs.goto("", "/admin/logs");
    const org = logs.filters.getByLabel("Organization");
    await logs.choose(org, "Acme Verify");
    await expect(page).toHaveURL(/\/admin\/logs\?org=org_/);
    await page.goBack();
    await expect(org).toHaveText("All organizations");
    await page.goForward();
    await expect(org).toHaveText("Acme Verify");

    // Admin -> Organizations: its search box follows the URL the same way.
    await page.goto("/admin");
    const search = page.getByRole("searchbox", { name: "Search organizations" });
    await search.fill("Acme");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/admin\?q=Acme$/);
    await expect(page.getByTestId("admin-org-row").filter({ hasText: "Acme Verify" })).toBeVisible();
    await page.goBack();
    await expect(page).toHaveURL(/\/admin$/);
    await expect(search).toHaveValue("");
    await page.goForward();
    await expect(search).toHaveValue("Acme");
  });
});

test.describe("Logs with a receiver", () => {
  // Several pages and real deliveries each: more than the default 30 s on a busy machine.
  test.describe.configure({ timeout: 180_000 });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  test.beforeAll(async () => {
    receiver = await startReceiver({ host: "::1" });
  });

  test.afterAll(async () => {
    await receiver.close();
  });

  test("endpoints are told apart by the end of their path, full URL on hover; a deleted one stays, marked and filterable", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const endpointPage = new EndpointPage(page);
    const id = unique();
    const first = await webhooks.create({ url: `${receiver.url}/e2e/hooks/${id}-first`, events: ["session.completed"] });
    await endpointPage.sendTestEvent();
    const second = await webhooks.create({ url: `${receiver.url}/e2e/hooks/${id}-second`, events: ["session.completed"] });
    await endpointPage.sendTestEvent();

    const logs = new LogsPage(page);
    await logs.goto();
    const host = new URL(receiver.url).host;
    const firstCell = logs.rows(`${id}-first`).getByTestId("endpoint-cell");
    await expect(firstCell).toContainText(`${host}/…/${id}-first`);
    await expect(firstCell).toHaveAttribute("title", `${receiver.url}/e2e/hooks/${id}-first`);
    await expect(logs.rows(`${id}-second`).getByTestId("endpoint-cell")).toContainText(`${host}/…/${id}-second`);

    // Delete the first: its deliveries stay, marked, and the filter still offers it.
    await endpointPage.goto(first);
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await webhooks.confirm("Delete endpoint");
    await expect(page).toHaveURL(/\/webhooks$/);
    await logs.goto();
    await expect(logs.rows(`${id}-first`).getByTestId("endpoint-cell")).toContainText("(deleted)");
    await logs.choose(logs.endpoint, `${host}/…/${id}-first (deleted)`);
    await expect(page).toHaveURL(new RegExp(`endpoint=${first}`));
    await expect(logs.rows("session.completed")).toHaveCount(1);
    await expect(logs.rows(`${id}-second`)).toHaveCount(0);
    // The delivery page names the endpoint, with the full URL, and links to a live one.
    await logs.goto(`endpoint=${second}`);
    await logs.openDelivery("session.completed");
    const endpointLink = page.getByTestId("delivery-endpoint").getByRole("link", { name: `${host}/…/${id}-second` });
    await expect(page.getByTestId("delivery-endpoint")).toContainText(`${receiver.url}/e2e/hooks/${id}-second`);
    await endpointLink.click();
    await expect(page).toHaveURL(new RegExp(`/webhooks/${second}$`));
  });

  test.describe("Copy as curl", () => {
    test.use({ permissions: ["clipboard-read", "clipboard-write"] });

    test("copies a runnable, ASCII-only command with a variable for the masked secret, which replays the request", async ({ page, signInAs }) => {
      await signInAs("partner");
      const webhooks = new WebhooksPage(page);
      const path = `/curl-${unique()}`;
      await webhooks.create({ url: `${receiver.url}${path}`, header: { name: "X-API-Key", value: "sk_live_e2e_secret" }, events: ["session.completed"] });
      await new EndpointPage(page).sendTestEvent();
      const original = receiver.requests.find((r) => r.path === path)!;

      const logs = new LogsPage(page);
      await page.getByTestId("test-event-result").getByRole("link", { name: "View delivery" }).click();
      await expect(page.getByTestId("curl-note")).toContainText("$X_API_KEY");
      await logs.attempts().first().getByRole("button", { name: "Copy as curl" }).click();
      const command = await page.evaluate(() => navigator.clipboard.readText());
      expect(command).toMatch(/^[\n\x20-\x7e]*$/);
      expect(command).not.toContain("•");
      expect(command).toContain("${X_API_KEY:?");

      // Run as pasted (with the variable set): the receiver gets the same request, secret included. Asynchronously:
      // the receiver answers from this very process.
      await promisify(execFile)("bash", ["--norc", "--noprofile", "-c", command.replace(/^curl /m, "curl -sS --max-time 20 -o /dev/null ")], {
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", X_API_KEY: "sk_live_e2e_secret", CURL_CA_BUNDLE: ensureTestCertificates().caCertPath },
      });
      const replays = receiver.requests.filter((r) => r.path === path);
      expect(replays).toHaveLength(2);
      expect(replays[1]!.headers["x-api-key"]).toBe("sk_live_e2e_secret");
      expect(replays[1]!.headers["webhook-id"]).toBe(original.headers["webhook-id"]);
      expect(replays[1]!.headers["webhook-signature"]).toBe(original.headers["webhook-signature"]);
      expect(replays[1]!.body).toBe(original.body);
    });
  });

  test("Retry now sends a delivery waiting an hour at once, from Logs and from its page, with the same webhook-id", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const endpointPage = new EndpointPage(page);
    const path = `/retry-${unique()}`;
    const endpointId = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    // 503 with Retry-After: an hour: the retry waits that long (and the endpoint is held until then).
    const unavailable = { kind: "status", status: 503, headers: { "retry-after": "3600" } } as const;
    receiver.enqueue(unavailable);
    await endpointPage.sendTestEvent();
    await expect(endpointPage.testResult).toContainText("HTTP 503");

    // From Logs.
    const logs = new LogsPage(page);
    await logs.goto(`endpoint=${endpointId}`);
    const rows = logs.rows("session.completed");
    await expect(rows).toHaveCount(1);
    // Waiting for its retry: "Retrying at <time>", not "Pending", in Logs and on the endpoint's page.
    await expect(rows.first().getByText(/^Retrying at (\d{1,2} [A-Z][a-z]{2} \d{4}, )?\d{2}:\d{2}:\d{2}/)).toBeVisible();
    await expect(rows.first()).not.toContainText(/pending/i);
    await endpointPage.goto(endpointId);
    await expect(page.getByTestId("recent-deliveries").getByText(/^Retrying at (\d{1,2} [A-Z][a-z]{2} \d{4}, )?\d{2}:\d{2}:\d{2}/).filter({ visible: true })).toBeVisible();
    await logs.goto(`endpoint=${endpointId}`);
    await rows.first().getByRole("button", { name: "Retry now" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Retrying now" })).toContainText("Retry-After");
    await expect(async () => {
      await page.reload();
      await expect(rows.first()).toContainText("succeeded", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });

    // From the delivery page: Redeliver says why it cannot be used, Retry now can.
    await endpointPage.goto(endpointId);
    receiver.enqueue(unavailable);
    await endpointPage.sendTestEvent();
    await expect(endpointPage.testResult).toContainText("HTTP 503");
    await endpointPage.testResult.getByRole("link", { name: "View delivery" }).click();
    await expect(page.getByTestId("redeliver-reason")).toContainText("Retry now sends it at once");
    await expect(page.getByRole("button", { name: "Redeliver" })).toBeDisabled();
    await expect(page.getByTestId("delivery-status")).toHaveText(/^Retrying at (\d{1,2} [A-Z][a-z]{2} \d{4}, )?\d{2}:\d{2}:\d{2}/);
    await expect(page.getByTestId("next-attempt")).toContainText(/in (59 min|1 h)/);
    await page.getByRole("button", { name: "Retry now" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Retrying now" })).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("delivery-status")).toHaveText("succeeded", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(logs.attempts()).toHaveCount(2);
    await expect(page.getByTestId("attempt-gap")).toContainText("after attempt 1");
    await expect(page.getByTestId("redeliver-reason")).toHaveCount(0);

    const sent = receiver.requests.filter((r) => r.path === path);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.headers["webhook-id"])).size).toBe(2);
  });

  test.describe("times", () => {
    test.use({ timezoneId: "Europe/Paris" });

    test("show in the browser's zone or the one chosen in Settings: relative in lists, exact with UTC on hover, seconds per attempt", async ({ page, signInAs, signInElsewhere }) => {
      await signInAs("partner");
      const path = `/times-${unique()}`;
      const endpointId = await new WebhooksPage(page).create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
      receiver.enqueue({ kind: "status", status: 500 });
      await new EndpointPage(page).sendTestEvent();
      const logs = new LogsPage(page);
      await logs.goto(`endpoint=${endpointId}`);
      const time = logs.rows("session.completed").first().locator("time").first();
      await expect(time).toHaveText(/ago|just now/);
      await expect(time).toHaveAttribute("title", /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} CES?T · \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} UTC$/);

      // Attempts compared to the second, with the gap between them (the retry of this server comes 200 ms later).
      await expect(async () => {
        await logs.goto(`endpoint=${endpointId}`);
        await logs.openDelivery("session.completed");
        await expect(logs.attempts()).toHaveCount(2, { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
      await expect(logs.attempts().first().locator("time")).toHaveText(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} CES?T$/);
      await expect(page.getByTestId("attempt-gap")).toHaveText(/· \d+ s after attempt 1/);
      await logs.goto();
      await expect(logs.from).toBeVisible();
      await expect(logs.filters.getByText("From (Europe/Paris, CET)")).toBeVisible();

      // The date fields show and take the app's one format, in the zone they are labelled with; the URL keeps UTC.
      await expect(logs.from).toHaveAttribute("placeholder", "e.g. 5 Jan 2026, 09:30");
      await logs.from.fill("15 Jan 2026, 13:00");
      await expect(page).toHaveURL(/from=2026-01-15T12%3A00/);
      await expect(logs.from).toHaveValue("15 Jan 2026, 13:00");
      // Typed another way, it is read and rewritten in the app's format on leaving the field.
      await logs.to.fill("2026-01-16 9:30");
      await logs.to.press("Tab");
      await expect(page).toHaveURL(/from=2026-01-15T12%3A00&to=2026-01-16T08%3A30$/);
      await expect(logs.to).toHaveValue("16 Jan 2026, 09:30");
      // Back and Forward move the fields with the URL.
      await page.goBack();
      await expect(page).not.toHaveURL(/to=/);
      await expect(logs.to).toHaveValue("");
      await expect(logs.from).toHaveValue("15 Jan 2026, 13:00");
      await page.goBack();
      await expect(page).not.toHaveURL(/from=/);
      await expect(logs.from).toHaveValue("");
      await page.goForward();
      await page.goForward();
      await expect(page).toHaveURL(/to=2026-01-16T08%3A30/);
      await expect(logs.to).toHaveValue("16 Jan 2026, 09:30");
      // The browser's format is not the app's: said plainly, and the URL keeps the last good range.
      await logs.to.fill("11/28/2026, 12:35 PM");
      await logs.to.press("Enter");
      await expect(logs.filters.getByRole("alert")).toHaveText("To: Write a date and time like 5 Jan 2026, 09:30.");
      await expect(logs.to).toHaveAttribute("aria-invalid", "true");
      await page.waitForTimeout(800);
      await expect(page).toHaveURL(/to=2026-01-16T08%3A30/);
      // A preset replaces the custom range.
      await logs.choose(logs.time, "Last 24 hours");
      await expect(page).toHaveURL(/\/webhooks\/logs\?range=24h$/);
      await expect(logs.from).toHaveValue("");

      // Settings: a chosen zone wins over the browser's, everywhere. Another account, so that the partner's times stay
      // in the browser's zone for every other test running meanwhile.
      const other = await signInElsewhere("other");
      const zoneForm = other.getByRole("form", { name: "Time zone" });
      await other.goto("/settings");
      // Over 400 zones: type ahead, as a person would.
      await other.getByTestId("time-zone-select").click();
      await other.keyboard.type("Asia/Tokyo");
      await expect(other.getByRole("option", { name: "Asia/Tokyo, GMT+9" })).toBeFocused();
      await other.keyboard.press("Enter");
      await expect(other.getByTestId("time-zone-select")).toHaveText("Asia/Tokyo, GMT+9");
      await zoneForm.getByRole("button", { name: "Save" }).click();
      await expect(other.getByTestId("toast").filter({ hasText: "Time zone saved" })).toBeVisible();
      try {
        await expect(zoneForm).toContainText("Times show in Asia/Tokyo");
        await other.goto("/webhooks/logs");
        await expect(other.getByRole("search", { name: "Filter deliveries" }).getByText("From (Asia/Tokyo, GMT+9)")).toBeVisible();
      } finally {
        await other.goto("/settings");
        await other.getByTestId("time-zone-select").click();
        await other.getByRole("option", { name: /^Browser default/ }).click();
        await zoneForm.getByRole("button", { name: "Save" }).click();
        await expect(other.getByTestId("toast").filter({ hasText: "Time zone saved" })).toBeVisible();
      }
    });
  });
});

test.describe("status codes", () => {
  test("an unknown delivery is a 404 page; unknown API paths answer the API's JSON 404 for every method", async ({ page, signInAs, request }) => {
    await signInAs("partner");
    for (const path of ["/webhooks/logs/dlv_000000000000000000000000", "/webhooks/logs/nope", "/admin/logs/dlv_000000000000000000000000"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
    for (const path of ["/api/v1/nope", "/api/v1/events/x/y", "/api/platform/v1/no-such-route", "/api/nope"]) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const response = await request.fetch(path, { method, data: method === "GET" ? undefined : {} });
        expect(response.status(), `${method} ${path}`).toBe(404);
        expect(response.headers()["content-type"]).toContain("application/json");
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("not_found");
        expect(body.error.message).toContain(path);
      }
    }
  });
});
