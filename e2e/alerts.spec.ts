import { startReceiver } from "../testing/https-receiver";
import { expect, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let receiver: Awaited<ReturnType<typeof startReceiver>>;

test.beforeAll(async () => {
  receiver = await startReceiver({ host: "::1" });
});

test.afterAll(async () => {
  await receiver.close();
});

test.describe("when an endpoint struggles", () => {
  test("Settings -> Notifications: a person chooses which alerts they get, and the choice stays", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("Notifications").click();
    await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
    const recovered = page.getByRole("switch", { name: "Endpoint recovered" });
    const save = page.getByRole("button", { name: "Save" });
    await expect(recovered).toHaveAttribute("aria-checked", "true");
    await expect(save).toBeDisabled();

    await recovered.click();
    await expect(recovered).toHaveAttribute("aria-checked", "false");
    await save.click();
    await expect(page.getByTestId("toast").filter({ hasText: "Notifications saved" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("switch", { name: "Endpoint recovered" })).toHaveAttribute("aria-checked", "false");
    await expect(page.getByRole("switch", { name: "Endpoint failing" })).toHaveAttribute("aria-checked", "true");

    // Keyboard: focus the switch, Space turns it back on, Save.
    await page.getByRole("switch", { name: "Endpoint recovered" }).focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Notifications saved" })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("switch", { name: "Endpoint recovered" })).toHaveAttribute("aria-checked", "true");
  });

  test("the list and the endpoint page show Failing, Healthy again, then Disabled with a one-click Switch on and redeliver", async ({ page, signInAs }) => {
    test.setTimeout(180_000);
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const url = `${receiver.url}/struggling-${unique()}`;
    // No retries: a retry of the first, failing test event would otherwise still be waiting when the receiver is
    // told to answer 410 once below, and could take that answer (disabling the endpoint) before the test event does.
    await webhooks.create({ url, events: ["session.completed"], retries: 0 });
    const badge = page.getByTestId("health-badge");
    await expect(badge).toHaveAttribute("data-health", "healthy");

    // The receiver fails: the test event's first attempt makes the endpoint failing.
    receiver.setFallback({ kind: "status", status: 500, body: "down" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 500");
    await expect(badge).toHaveAttribute("data-health", "failing");
    await expect(page.getByTestId("endpoint-failing")).toContainText("This endpoint is failing");
    await expect(page.getByTestId("endpoint-failing")).toContainText("HTTP 500");
    await expect(page.getByTestId("health-detail")).toContainText("HTTP 500");

    await webhooks.gotoList();
    const row = webhooks.rowFor(url);
    await expect(row.getByTestId("health-badge")).toHaveText("Failing");
    await expect(row.getByTestId("health-detail")).toContainText("HTTP 500");

    // It answers again: the next delivery succeeds and the endpoint is healthy, on its page and in the list.
    await row.getByRole("link").first().click();
    receiver.setFallback({ kind: "status", status: 200, body: "ok" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 200");
    await expect(badge).toHaveAttribute("data-health", "healthy");
    await expect(page.getByTestId("endpoint-failing")).toHaveCount(0);
    await webhooks.gotoList();
    await expect(webhooks.rowFor(url).getByTestId("health-badge")).toHaveText("Healthy");

    // 410 Gone disables it; its page offers to switch it on and redeliver what failed.
    await webhooks.rowFor(url).getByRole("link").first().click();
    receiver.enqueue({ kind: "status", status: 410, body: "gone" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 410");
    await expect(page.getByText("The endpoint answered 410 Gone, so Herald stopped sending to it.")).toBeVisible();
    const card = page.getByTestId("switch-on-card");
    await expect(card).toContainText("Switch on and redeliver what failed since");
    await card.getByRole("button", { name: "Switch on and redeliver" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Endpoint switched on" })).toBeVisible();
    await expect(page.getByTestId("health-badge")).toHaveAttribute("data-health", "healthy");
    await expect(card).toHaveCount(0);

    await webhooks.gotoList();
    await expect(webhooks.rowFor(url).getByTestId("health-badge")).toHaveText("Healthy");
  });

  test("the disabled alert's link opens the endpoint with the time it names ready", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const url = `${receiver.url}/gone-link-${unique()}`;
    const id = await webhooks.create({ url, events: ["session.completed"] });
    receiver.enqueue({ kind: "status", status: 410, body: "gone" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("test-event-result")).toContainText("HTTP 410");
    await page.goto(`/webhooks/${id}?recover=${encodeURIComponent("2026-01-02T03:04:05.000Z")}#recover`);
    await expect(page.getByTestId("switch-on-card")).toBeVisible();
    await expect(page.getByLabel(/^Failed since/)).toHaveValue(/^[12] Jan 2026, \d{2}:\d{2}$/);
  });
});
