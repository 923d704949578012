import { expect, test } from "./fixtures";
import { chooseOption } from "./pages/logs-page";

test.describe("admin section", () => {
  test("is hidden from partners: no link, and /admin is not found", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await expect(shell.link("Webhooks")).toBeVisible();
    await expect(shell.link("Admin")).toHaveCount(0);
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Globex Credentials")).toHaveCount(0);
    expect((await page.goto("/admin/logs"))?.status()).toBe(404);
  });

  test("lets platform admins see every organization's deliveries", async ({ page, signInAs }) => {
    const shell = await signInAs("admin");
    await shell.link("All deliveries").click();
    await expect(page.getByRole("heading", { name: "All deliveries", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Organization")).toBeVisible();
    await chooseOption(page, page.getByLabel("Organization"), "Globex Credentials");
    await expect(page).toHaveURL(/org=org_/);
  });

  test("shows platform admins every organization", async ({ page, signInAs }) => {
    const shell = await signInAs("admin");
    await shell.link("Admin").click();
    await expect(page).toHaveURL(/\/admin$/);
    const rows = page.getByTestId("admin-org-row");
    await expect(rows.filter({ hasText: "Acme Verify" })).toContainText("Enterprise");
    await expect(rows.filter({ hasText: "Globex Credentials" })).toContainText("Free");
    await expect(rows.filter({ hasText: "Herald Platform" })).toBeVisible();
  });
});
