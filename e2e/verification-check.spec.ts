import type { Page } from "@playwright/test";
import { startVerifyingReceiver, type VerifyingReceiver } from "../testing/verifying-receivers";
import { expect, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// Receivers written with the standardwebhooks reference library, on [::1] (the one private address the e2e server
// may deliver to): one that verifies everything, one that never checks the timestamp.
let strict: VerifyingReceiver;
let lax: VerifyingReceiver;

test.beforeAll(async () => {
  strict = await startVerifyingReceiver("strict", { host: "::1" });
  lax = await startVerifyingReceiver("no-timestamp", { host: "::1" });
});

test.afterAll(async () => {
  await Promise.all([strict?.close(), lax?.close()]);
});

/** Creates an endpoint for `receiver` and hands the receiver the secret, revealed on the endpoint page. */
async function endpointFor(page: Page, receiver: VerifyingReceiver): Promise<string> {
  const webhooks = new WebhooksPage(page);
  const url = `${receiver.url}/${receiver.mode}-${unique()}`;
  await webhooks.openCreate();
  await webhooks.fillForm({ url, events: ["credential.revoked"] });
  await webhooks.submitCreate();
  await expect(page).toHaveURL(/\/webhooks\/ep_[0-9a-z]{20}$/, { timeout: 30_000 });
  await page.getByRole("button", { name: "Reveal" }).click();
  await expect(page.getByTestId("signing-secret")).toHaveText(/^whsec_[A-Za-z0-9+/=]+$/);
  const secret = (await page.getByTestId("signing-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  receiver.setKey(secret);
  return url;
}

test.describe("check signature verification", () => {
  // Each test creates an endpoint, runs six requests through the server and reloads: more than the default 30 s on a
  // loaded machine.
  test.describe.configure({ timeout: 120_000 });

  test("a strict receiver gets a passing report card and the Verifies signatures badge", async ({ page, signInAs }) => {
    await signInAs("partner");
    const url = await endpointFor(page, strict);
    const card = page.getByTestId("verification-check");
    await expect(card.getByTestId("verification-empty")).toBeVisible();

    await card.getByRole("button", { name: "Check signature verification" }).click();
    const report = card.getByTestId("verification-report");
    await expect(report).toHaveAttribute("data-outcome", "passed", { timeout: 60_000 });
    await expect(card.getByTestId("verification-summary")).toContainText("Your endpoint verifies signatures");
    for (let n = 1; n <= 6; n += 1) await expect(card.getByTestId(`verification-case-${n}`)).toHaveAttribute("data-verdict", "pass");
    await expect(card.getByTestId("verification-case-1")).toContainText("HTTP 200");
    await expect(card.getByTestId("verification-case-6")).toContainText("HTTP 401");
    await expect(card.getByTestId("verification-fix")).toHaveCount(0);

    // The run is kept: it is there after a reload, and the list shows the badge.
    await page.reload();
    await expect(page.getByTestId("verification-report")).toHaveAttribute("data-outcome", "passed");
    const webhooks = new WebhooksPage(page);
    await webhooks.gotoList();
    await expect(webhooks.rowFor(url).getByTestId("verifies-signatures")).toBeVisible();
  });

  test("a receiver that skips the timestamp check is flagged on the stale case, with the fix and the snippet", async ({ page, signInAs }) => {
    await signInAs("partner");
    const url = await endpointFor(page, lax);
    const card = page.getByTestId("verification-check");
    await card.getByRole("button", { name: "Check signature verification" }).click();
    const report = card.getByTestId("verification-report");
    await expect(report).toHaveAttribute("data-outcome", "failed", { timeout: 60_000 });
    await expect(card.getByTestId("verification-summary")).toContainText("timestamp was 10 minutes old");
    await expect(card.getByTestId("verification-case-4")).toHaveAttribute("data-verdict", "fail");
    await expect(card.getByTestId("verification-case-4")).toContainText("HTTP 200");
    for (const n of [1, 2, 3, 5, 6]) await expect(card.getByTestId(`verification-case-${n}`)).toHaveAttribute("data-verdict", "pass");

    // What was sent is there to read: the stale timestamp's headers.
    await card.getByTestId("verification-case-4").getByText("Headers sent").click();
    await expect(card.getByTestId("verification-case-4")).toContainText("webhook-timestamp");

    // The fix, with the verify snippet in the language chosen.
    const fix = card.getByTestId("verification-fix");
    await expect(fix).toContainText("more than 5 minutes from your clock");
    await fix.getByRole("tab", { name: "Python" }).click();
    await expect(fix.getByRole("tabpanel")).toContainText("def verify_herald");

    const webhooks = new WebhooksPage(page);
    await webhooks.gotoList();
    await expect(webhooks.rowFor(url)).toContainText("Healthy");
    await expect(webhooks.rowFor(url).getByTestId("verifies-signatures")).toHaveCount(0);
  });
});
