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

test.describe("ordered delivery", () => {
  // Two test events, the first held by the receiver until the endpoint's timeout.
  test.describe.configure({ timeout: 180_000 });

  test("switched on in the form, the endpoint page shows the queue head and what waits behind it", async ({ page, context, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const path = `/ordered-${unique()}`;
    const id = await webhooks.create({ url: `${receiver.url}${path}`, events: ["session.completed"] });
    await expect(page.getByTestId("ordered-queue")).toHaveCount(0);

    const ordered = page.getByRole("switch", { name: "Ordered delivery" });
    await expect(ordered).toHaveAttribute("aria-checked", "false");
    await expect(ordered).toHaveAccessibleDescription(/One event at a time, in the order they were published/);
    await ordered.click();
    await page.getByLabel("Timeout (seconds)").fill("30");
    await page.getByLabel("Retries").fill("0");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(webhooks.toast("Endpoint saved")).toBeVisible();
    await expect(page.getByTestId("ordered-queue-empty")).toContainText("Nothing is waiting");
    await expect(page.getByRole("switch", { name: "Ordered delivery" })).toHaveAttribute("aria-checked", "true");

    // The first test event hangs at the receiver (until the 30 s timeout, the longest allowed: long enough for two more pages to open on
    // a busy machine while it hangs); the second waits behind it.
    receiver.enqueue({ kind: "hang" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await receiver.waitForRequests(1, 15_000).catch(() => undefined);
    const second = await context.newPage();
    await second.goto(`/webhooks/${id}`);
    await expect(second.getByTestId("ordered-queue-head")).toContainText("session.completed");
    await second.getByRole("button", { name: "Send test event" }).click();

    const third = await context.newPage();
    await expect(async () => {
      await third.goto(`/webhooks/${id}`);
      await expect(third.getByTestId("ordered-queue-waiting")).toHaveText("1", { timeout: 1_000 });
    }).toPass({ timeout: 25_000 });
    await expect(third.getByTestId("ordered-queue-head")).toContainText(/delivering|pending/i);
    const headLink = third.getByTestId("ordered-queue-head").getByRole("link");
    await expect(headLink).toHaveAttribute("href", /^\/webhooks\/logs\/dlv_[0-9a-z]{24}$/);

    // The head times out (no retries) and fails; then the second goes, and nothing waits any more.
    await expect(async () => {
      await third.reload();
      await expect(third.getByTestId("ordered-queue-empty")).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 90_000 });
    const ids = receiver.requests.filter((r) => r.path === path).map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });
});
