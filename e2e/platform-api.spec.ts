import { expect, test } from "./fixtures";

test.describe("Admin -> Platform API", () => {
  test("a platform admin creates a key (shown once, asked before closing uncopied), the platform API takes it, and it is revoked", async ({ page, signInAs }) => {
    const shell = await signInAs("admin");
    await shell.link("Platform API").click();
    await expect(page.getByRole("heading", { name: "Platform API", level: 1 })).toBeVisible();

    const name = `E2E backend ${Date.now()}`;
    await page.getByRole("button", { name: "Create platform key" }).first().click();
    const dialog = page.getByRole("dialog");
    // An empty name is refused with a message on the field.
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByTestId("field-error")).toContainText("Name the key");
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create key" }).click();
    const shown = dialog.getByTestId("new-platform-key");
    await expect(shown).toHaveText(/^hk_platform_[A-Za-z0-9_-]{43}$/);
    const key = (await shown.textContent())!;

    // Closing without copying asks first; going back shows the key again.
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("confirm-close-key")).toContainText("Close without copying the key?");
    await page.getByRole("button", { name: "Back to the key" }).click();
    await expect(shown).toHaveText(key);
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("confirm-close-key")).toBeVisible();
    await page.getByRole("button", { name: "Close without copying" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);

    const row = page.getByTestId("platform-key-row").filter({ hasText: name });
    await expect(row).toContainText("Never");
    await expect(row).toContainText(key.slice(0, 18));
    await expect(page.getByText(key)).toHaveCount(0);

    // The key works on the platform API, and only there.
    const created = await page.request.post("/api/platform/v1/organizations", {
      headers: { authorization: `Bearer ${key}` },
      data: { name: `E2E Org ${Date.now()}` },
    });
    expect(created.status()).toBe(201);
    expect((await page.request.get("/api/v1/events", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
    await page.reload();
    await expect(page.getByTestId("platform-key-row").filter({ hasText: name })).not.toContainText("Never");

    // Revoking asks first, then greys the row; the key stops working at once.
    await page.getByTestId("platform-key-row").filter({ hasText: name }).getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("alertdialog")).toContainText(`Revoke "${name}"?`);
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
    const revoked = page.getByTestId("platform-key-row").filter({ hasText: name });
    await expect(revoked).toHaveAttribute("data-revoked", "true");
    await expect(revoked).toContainText("Revoked");
    const refused = await page.request.get("/api/platform/v1/organizations", { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status()).toBe(401);

    // Both are in the platform's audit log.
    await page.goto("/admin/audit-log");
    await expect(page.getByRole("row").filter({ hasText: "Platform key created" }).filter({ hasText: name })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "Platform key revoked" }).filter({ hasText: name })).toBeVisible();
    // The organization the key made is in the log as the key.
    await expect(page.getByRole("row").filter({ hasText: "Organization created" }).filter({ hasText: "Platform key" }).first()).toBeVisible();
  });

  test("is a missing page for partners, and the API reference shows them no platform API", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await expect(shell.link("Platform API")).toHaveCount(0);
    expect((await page.goto("/admin/platform-api"))?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.goto("/api-docs");
    await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Platform API" })).toHaveCount(0);
  });

  test("the API reference shows platform admins the platform API", async ({ page, signInAs }) => {
    await signInAs("admin");
    await page.goto("/api-docs#platform");
    await expect(page.getByRole("heading", { name: "Platform API", level: 2 })).toBeVisible();
    await expect(page.locator("#post-api-platform-v1-organizations")).toContainText("Create an organization");
    await expect(page.getByRole("link", { name: "Platform OpenAPI document" })).toHaveAttribute("href", "/api/platform/v1/openapi.json");
  });
});
