import { expect, test } from "./fixtures";

test.describe("settings", () => {
  test("a partner changes their name and sees it in the sidebar", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("Settings").click();
    const name = page.getByLabel("Your name");
    await expect(name).toHaveValue("Paula Partner");
    await name.fill("Paula P. Partner");
    await page.getByRole("button", { name: "Save" }).first().click();
    await expect(page.getByTestId("toast").filter({ hasText: "Your name was saved." })).toBeVisible();
    await expect(shell.currentUser).toContainText("Paula P. Partner");
    await page.reload();
    await expect(page.getByLabel("Your name")).toHaveValue("Paula P. Partner");
    // Put it back for the other specs.
    await page.getByLabel("Your name").fill("Paula Partner");
    await page.getByRole("button", { name: "Save" }).first().click();
    await expect(shell.currentUser).toContainText("Paula Partner");
  });

  test("a blank or oversize organization name is refused with a message and nothing is stored", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("Settings").click();
    const orgName = page.getByLabel("Organization name");
    const save = page.locator("form").filter({ has: orgName }).getByRole("button", { name: "Save" });
    await orgName.fill("   ");
    await save.click();
    await expect(page.getByTestId("field-error")).toHaveText("Enter the organization's name.");
    await expect(orgName).toHaveAttribute("aria-invalid", "true");
    await orgName.fill("x".repeat(150));
    await save.click();
    await expect(page.getByTestId("field-error")).toHaveText("Keep it under 101 characters.");
    await page.reload();
    await expect(page.getByLabel("Organization name")).toHaveValue("Acme Verify");
    await shell.expectSignedInAs("Acme Verify");
  });
});
