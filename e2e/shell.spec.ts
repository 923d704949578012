import { expect, test } from "./fixtures";

test.describe("portal shell", () => {
  test("the sidebar reaches every section, and the settings page shows only our organization", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    for (const [name, heading] of [
      ["Logs", "Logs"],
      ["API keys", "API keys"],
      ["Billing", "Billing"],
      ["Settings", "Settings"],
      ["Webhooks", "Webhooks"],
    ] as const) {
      await shell.link(name).click();
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
      await expect(shell.link(name)).toHaveAttribute("aria-current", "page");
    }
    await shell.link("Settings").click();
    await expect(page.getByLabel("Organization name")).toHaveValue("Acme Verify");
    await shell.link("Members").click();
    await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
    await expect(page.getByRole("cell", { name: "partner@example.com" })).toBeVisible();
    await expect(page.getByText("other@example.com")).toHaveCount(0);
  });

  test("billing shows the organization's current plan", async ({ page, signInAs }) => {
    const shell = await signInAs("other");
    await shell.link("Billing").click();
    await expect(page.getByTestId("plan-free")).toContainText("Current plan");
    await expect(page.getByTestId("plan-enterprise")).not.toContainText("Current plan");
  });

  test("works on a narrow screen through the menu button, by keyboard", async ({ page, signInAs }) => {
    await signInAs("partner");
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the sidebar column is gone; the header carries the menu button and the organization.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Open menu" })).toBeVisible();
    await page.getByRole("button", { name: "Open menu" }).focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog");
    await expect(drawer.getByRole("link", { name: "Billing" })).toBeVisible();
    await drawer.getByRole("link", { name: "Billing" }).click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await page.getByRole("button", { name: "Open menu" }).click();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
  });

  test("health answers ok", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
