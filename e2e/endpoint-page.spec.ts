import type { Locator, Page } from "@playwright/test";
import { startReceiver } from "../testing/https-receiver";
import { expect, test } from "./fixtures";
import { EndpointPage } from "./pages/endpoint-page";
import { LogsPage } from "./pages/logs-page";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let receiver: Awaited<ReturnType<typeof startReceiver>>;

test.beforeAll(async () => {
  receiver = await startReceiver({ host: "::1" });
});

test.afterAll(async () => {
  await receiver.close();
});

test.describe("the endpoint page follows what its actions change", () => {
  // Several pages and a real delivery each: more than the default 30 s on a busy machine.
  test.describe.configure({ timeout: 180_000 });

  test("a test event answered 410 shows Disabled at once, keeps its result and links to its delivery, which links back", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const endpoint = new EndpointPage(page);
    const path = `/gone-${unique()}`;
    const id = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    await expect(endpoint.statusBadge("Active")).toBeVisible();
    await expect(endpoint.successRate).toHaveText("—");

    receiver.enqueue({ kind: "status", status: 410, body: "gone" });
    await endpoint.sendTestEvent();
    await expect(endpoint.testResult).toContainText("HTTP 410");
    // No reload: the page shows what the 410 did.
    await expect(endpoint.statusBadge("Disabled")).toBeVisible();
    await expect(page.getByText("The endpoint answered 410 Gone, so Herald stopped sending to it.")).toBeVisible();
    await expect(endpoint.successRate).toHaveText(/^0(\.0)?%$/);
    await expect(page.getByRole("button", { name: "Send test event" })).toBeDisabled();
    await expect(endpoint.recentDeliveries.getByRole("row").filter({ hasText: "session.completed" })).toContainText("failed");

    await endpoint.testResult.getByRole("link", { name: "View delivery" }).click();
    await expect(page.getByRole("heading", { name: "session.completed", level: 1 })).toBeVisible();
    await expect(page.getByTestId("redeliver-reason")).toContainText("its endpoint is disabled");
    await page.getByTestId("delivery-endpoint").getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
  });

  test("Health and Recent deliveries change after Send test event and after Redeliver failed, without a reload", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const endpoint = new EndpointPage(page);
    const path = `/health-${unique()}`;
    const id = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    await page.getByLabel("Retries").fill("0");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(webhooks.toast("Endpoint saved")).toBeVisible();
    await expect(endpoint.recentDeliveries).toContainText("No deliveries yet");

    receiver.enqueue({ kind: "status", status: 500, body: "down" });
    await endpoint.sendTestEvent();
    await expect(endpoint.testResult).toContainText("HTTP 500");
    await expect(endpoint.successRate).toHaveText(/^0(\.0)?%$/);
    const rows = endpoint.recentDeliveries.getByRole("row").filter({ hasText: "session.completed" });
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("failed");
    await expect(rows.first()).toContainText(/ago|just now/);

    await page.getByRole("button", { name: "Redeliver failed" }).click();
    await expect(page.getByTestId("recover-progress")).toContainText("1 of 1 finished: 1 delivered");
    await expect(endpoint.successRate).toHaveText("100%");
    await expect(rows.first()).toContainText("succeeded");

    // View all in Logs: the Logs page filtered by this endpoint, with the filter showing it.
    await endpoint.recentDeliveries.getByRole("link", { name: "View all in Logs" }).click();
    await expect(page).toHaveURL(new RegExp(`/webhooks/logs\\?endpoint=${id}$`));
    const logs = new LogsPage(page);
    // The styled select shows the endpoint's label, which ends with the URL's last part.
    await expect(logs.endpoint).toContainText(path.slice(1));
    await expect(logs.rows("session.completed")).toHaveCount(1);
  });

  test("test events are marked on the wire, and the event catalog says how", async ({ page, signInAs }) => {
    await signInAs("partner");
    const path = `/marked-${unique()}`;
    await new WebhooksPage(page).create({ url: `${receiver.url}${path}`, events: ["credential.issued"] });
    await new EndpointPage(page).sendTestEvent();
    const request = receiver.requests.find((r) => r.path === path)!;
    expect(request.headers["x-herald-test"]).toBe("true");
    expect(JSON.parse(request.body)).toMatchObject({ type: "credential.issued", test: true });
    await expect(page.getByRole("tab", { name: "Node.js" })).toBeVisible();
    await page.getByRole("link", { name: "Event catalog" }).click();
    await expect(page.getByTestId("test-events-doc")).toContainText("X-Herald-Test: true");
    await expect(page.getByTestId("test-events-doc")).toContainText('"test": true');
  });
});

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function expectNoToastOver(page: Page, target: Locator) {
  const box = (await target.boundingBox())!;
  for (const toast of await page.getByTestId("toast").all()) {
    const toastBox = await toast.boundingBox();
    if (toastBox) expect(overlaps(box, toastBox), "a toast covers the button").toBe(false);
  }
}

for (const viewport of [
  { name: "wide", width: 1280, height: 800 },
  { name: "narrow", width: 390, height: 844 },
]) {
  test.describe(`a refused create (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test("focuses the first invalid field in view, announces the errors, and leaves the buttons uncovered", async ({ page, signInAs }) => {
      await signInAs("partner");
      const webhooks = new WebhooksPage(page);
      await webhooks.openCreate();
      // Only a header row is wrong: it sits far below the first field.
      await webhooks.fillForm({ url: `https://hooks-${unique()}.acme.example/in`, header: { name: "Bad Header", value: "x" } });
      await webhooks.submitCreate();
      const summary = page.getByTestId("form-error-summary");
      await expect(summary).toHaveText(/^1 field needs attention: /);
      await expect(summary).toHaveAttribute("role", "alert");
      const headerName = page.getByLabel("Header name").last();
      await expect(headerName).toBeFocused();
      await expect(headerName).toBeInViewport();
      await expect(headerName).toHaveAttribute("aria-invalid", "true");
      await expectNoToastOver(page, page.getByRole("button", { name: "Create Webhook" }));
      await expect(page).toHaveURL(/\/webhooks\/new$/);

      // Two wrong fields: the first on the page gets focus, and the summary counts both.
      await page.getByLabel("Endpoint URL").fill("http://insecure.example/in");
      await webhooks.submitCreate();
      await expect(summary).toHaveText(/^2 fields need attention: /);
      await expect(page.getByLabel("Endpoint URL")).toBeFocused();
      await expect(page.getByLabel("Endpoint URL")).toBeInViewport();
      await expectNoToastOver(page, page.getByRole("button", { name: "Create Webhook" }));
    });
  });
}
