import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { WebhooksPage } from "./pages/webhooks-page";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The page background's relative luminance (0 black .. 1 white), as the browser painted it. */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(ctx.getImageData(0, 0, 1, 1).data).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

/** WCAG contrast of the main heading against the page. */
async function headingContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const lum = (css: string) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const ctx = canvas.getContext("2d")!;
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = Array.from(ctx.getImageData(0, 0, 1, 1).data).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const heading = document.querySelector("main h1") ?? document.querySelector("h1")!;
    const a = lum(getComputedStyle(heading).color);
    const b = lum(getComputedStyle(document.body).backgroundColor);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

test.describe("dark mode", () => {
  test("follows the system, then the sidebar's choice, rendered by the server with no flash", async ({ page, signInAs }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await signInAs("partner");
    // System (no choice yet): no class, the system's dark.
    await expect(page.locator("html")).not.toHaveClass(/\b(dark|light)\b/);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    await page.emulateMedia({ colorScheme: "light" });
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);

    const switcher = page.getByRole("radiogroup", { name: "Theme" });
    await switcher.getByRole("radio", { name: "Dark" }).click();
    await expect(switcher.getByRole("radio", { name: "Dark" })).toHaveAttribute("aria-checked", "true");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    const cookie = (await page.context().cookies()).find((c) => c.name === "herald-theme");
    expect(cookie?.value).toBe("dark");

    // The next page's HTML already carries the class (the system still says light): nothing swaps it after load.
    const response = await page.goto("/api-keys");
    expect(await response!.text()).toMatch(/<html[^>]*class="[^"]*\bdark\b/);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);

    // Arrow keys move the choice, as in any radio group; Light then sticks over a dark system.
    await page.emulateMedia({ colorScheme: "dark" });
    await switcher.getByRole("radio", { name: "Dark" }).focus();
    await page.keyboard.press("ArrowLeft");
    await expect(switcher.getByRole("radio", { name: "Light" })).toBeFocused();
    await expect(page.locator("html")).toHaveClass(/\blight\b/);
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);
    await page.reload();
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.8);

    await switcher.getByRole("radio", { name: "System" }).click();
    await expect(page.locator("html")).not.toHaveClass(/\b(dark|light)\b/);
    expect(await backgroundLuminance(page)).toBeLessThan(0.05);
  });

  test("every portal page is readable in dark mode", async ({ page, signInAs }) => {
    test.setTimeout(180_000);
    await page.context().addCookies([{ name: "herald-theme", value: "dark", url: test.info().project.use.baseURL! }]);
    await page.goto("/login");
    expect(await headingContrast(page), "/login: heading contrast").toBeGreaterThan(7);
    // The sign-in page's gradient starts dark too.
    expect(await page.locator("main").evaluate((m) => getComputedStyle(m).backgroundImage)).not.toMatch(/oklch\((0\.962|96\.2%)/);
    await signInAs("admin");
    for (const path of [
      "/webhooks",
      "/webhooks/new",
      "/webhooks/logs",
      "/events",
      "/api-keys",
      "/api-docs",
      "/billing",
      "/settings",
      "/settings/members",
      "/settings/notifications",
      "/settings/audit-log",
      "/admin",
      "/admin/logs",
      "/admin/emails",
      "/admin/audit-log",
      "/admin/operational-webhooks",
    ]) {
      await page.goto(path);
      expect(await backgroundLuminance(page), path).toBeLessThan(0.05);
      expect(await headingContrast(page), `${path}: heading contrast`).toBeGreaterThan(7);
    }
  });
});

test.describe("consistency", () => {
  test("toasts: at most two at once, from one library", async ({ page, signInAs }) => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInAs("partner");
    await page.goto("/events");
    const copies = page.getByRole("button", { name: /^Copy/ });
    for (let i = 0; i < 4; i += 1) await copies.nth(i).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Copied to clipboard" }).first()).toBeVisible();
    // Four were raised; on a busy machine the first may already have gone by now (a toast lives 4 s), so the stack
    // holds three or four, and never more than two show.
    expect(await page.locator("[data-sonner-toast]").count()).toBeGreaterThanOrEqual(2);
    await expect(page.locator("[data-sonner-toast][data-visible='true']")).toHaveCount(2);
  });

  test("one content width, Active said once, copy that says what it means", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    await webhooks.gotoList();
    const listWidth = (await page.locator("main > *").first().boundingBox())!.width;
    const id = await webhooks.create({ url: `https://width-${unique()}.example/hook` });
    const detailWidth = (await page.locator("main > *").first().boundingBox())!.width;
    expect(Math.abs(detailWidth - listWidth)).toBeLessThan(2);
    await expect(page.getByRole("switch", { name: "Active" })).toBeChecked();
    await expect(page.getByText("Active", { exact: true })).toHaveCount(1);

    await page.goto(`/webhooks/${id}`);
    await page.getByLabel("Description").fill("d".repeat(201));
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(webhooks.fieldError()).toHaveText("The description can be at most 200 characters.");
  });

  test("a plan without webhooks is not told to Send test event from empty Logs", async ({ page, signInAs }) => {
    await signInAs("other");
    await page.goto("/webhooks/logs");
    await expect(page.getByText("No deliveries yet")).toBeVisible();
    await expect(page.getByText(/not part of your plan/)).toBeVisible();
    await expect(page.getByText(/Send test event/)).toHaveCount(0);
  });
});

test.describe("endpoint form", () => {
  test("a second endpoint at the same URL is created only after a confirmation; editing to it asks too", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    const url = `https://dup-${unique()}.example/hooks`;
    await webhooks.create({ url, description: "First" });

    await webhooks.openCreate();
    await webhooks.fillForm({ url: `${url}/`, description: "Second" });
    await webhooks.submitCreate();
    const dialog = page.getByTestId("duplicate-url-dialog");
    await expect(dialog).toContainText("already receives events at this URL");
    await expect(dialog).toContainText("every event twice");
    await dialog.getByRole("button", { name: "Go back" }).click();
    await expect(page).toHaveURL(/\/webhooks\/new$/);
    await webhooks.submitCreate();
    await dialog.getByRole("button", { name: "Create anyway" }).click();
    await expect(page).toHaveURL(/\/webhooks\/ep_/);

    const other = await webhooks.create({ url: `https://dup-${unique()}.example/other` });
    await page.goto(`/webhooks/${other}`);
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(dialog.getByRole("button", { name: "Save anyway" })).toBeVisible();
    await dialog.getByRole("button", { name: "Go back" }).click();
    await page.reload();
    await expect(page.getByTestId("endpoint-url")).not.toHaveText(url);
  });

  test("Add header focuses the new row; a row left empty is dropped on save", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    await webhooks.openCreate();
    await page.getByLabel("Endpoint URL").fill(`https://keys-${unique()}.example/hook`);
    await page.getByRole("button", { name: "Add header" }).click();
    await expect(page.getByLabel("Header name").first()).toBeFocused();
    await page.keyboard.type("X-API-Key");
    await page.getByLabel("Header value").first().fill("sk_test_1");
    await page.getByRole("button", { name: "Add header" }).click();
    await expect(page.getByLabel("Header name").nth(1)).toBeFocused();
    await webhooks.submitCreate();
    await expect(page).toHaveURL(/\/webhooks\/ep_/);
    await expect(page.getByTestId("header-row")).toHaveCount(1);
    await expect(page.getByLabel("Header name")).toHaveValue("X-API-Key");
  });
});

test.describe("secret rotation", () => {
  test("the owner chooses the overlap, sees when it ends, and can end it early", async ({ page, signInAs }) => {
    await signInAs("partner");
    const webhooks = new WebhooksPage(page);
    await webhooks.create({ url: `https://rotate-${unique()}.example/hook` });
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog.getByLabel("24 hours")).toBeChecked();
    await dialog.getByLabel("7 days").check();
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    await expect(webhooks.toast("Secret rotated")).toBeVisible();
    const overlap = page.getByTestId("rotation-overlap");
    await expect(overlap).toContainText("still signs");
    await expect(overlap).toContainText("in 6 days");

    await page.getByRole("button", { name: "End overlap now" }).click();
    await expect(page.getByRole("alertdialog")).toContainText("rejects every request");
    await page.getByRole("alertdialog").getByRole("button", { name: "End overlap now" }).click();
    await expect(webhooks.toast("Overlap ended")).toBeVisible();
    await expect(overlap).toHaveCount(0);
    await expect(page.getByRole("button", { name: "End overlap now" })).toHaveCount(0);

    // Expire now: no overlap at all.
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("alertdialog").getByLabel("Expire the old one now").check();
    await expect(page.getByRole("alertdialog")).toContainText("only with the new secret from now on");
    await page.getByRole("alertdialog").getByRole("button", { name: "Rotate secret" }).click();
    await expect(webhooks.toast("The previous secret no longer signs.")).toBeVisible();
    await expect(overlap).toHaveCount(0);

    // The audit log's filters are styled selects too, still kept in the URL.
    await page.goto("/settings/audit-log");
    await page.getByRole("combobox", { name: "Action" }).click();
    await page.getByRole("option", { name: "Old signing secret ended early" }).click();
    await expect(page).toHaveURL(/action=endpoint\.secret_overlap_ended/);
    await expect(page.getByText("Old signing secret ended early").first()).toBeVisible();
    // A total like Logs' (the shared partner account may have ended overlaps in other runs too).
    await expect(page.getByTestId("audit-total")).toHaveText(/^[\d,]+ events? match$/);
    await page.goBack();
    await expect(page.getByRole("combobox", { name: "Action" })).toHaveText("Any action");
    await expect(page.getByTestId("audit-total")).toHaveText(/^[\d,]+ events?$/);
  });
});

test.describe("API keys", () => {
  test("the show-once dialog asks before closing uncopied; revoked keys stay listed; curl has the portal's URL", async ({ page, signInAs, baseURL }) => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInAs("partner");
    await page.goto("/api-keys");
    const name = `Key ${unique()}`;
    await page.getByRole("button", { name: "Create API key" }).click();
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.getByTestId("new-api-key").textContent();
    await page.getByRole("button", { name: "Done" }).click();
    const confirm = page.getByTestId("confirm-close-key");
    await expect(confirm).toContainText("never shown again");
    await confirm.getByRole("button", { name: "Keep it open" }).click();
    await expect(page.getByTestId("new-api-key")).toHaveText(key!);
    await page.keyboard.press("Escape");
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Keep it open" }).click();
    await page.getByRole("button", { name: "Copy API key" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole("button", { name: "Done" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole("dialog")).toHaveCount(0);

    const row = page.getByTestId("api-key-row").filter({ hasText: name });
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
    await expect(row).toHaveCount(0);
    await page.getByLabel(/Show revoked/).click();
    await expect(page).toHaveURL(/\?revoked=1$/);
    await expect(row).toHaveAttribute("data-revoked", "true");
    await expect(row.getByTestId("revoked-by")).toContainText("by ");
    await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
    await page.getByLabel(/Show revoked/).click();
    await expect(page).toHaveURL(/\/api-keys$/);
    await expect(row).toHaveCount(0);

    const curl = page.getByTestId("curl-example");
    await expect(curl).toContainText(`curl -X POST ${baseURL}/api/v1/events`);
    await expect(curl).not.toContainText("<your-herald>");
    await page.getByRole("button", { name: "Copy curl command" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`${baseURL}/api/v1/events`);
  });
});
