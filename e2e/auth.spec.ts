import { ACCOUNTS, expect, test } from "./fixtures";

const SESSION_COOKIE = /authjs\.session-token/;

test.describe("sign-in", () => {
  test("a signed-out visit to /webhooks lands on /login and returns there after sign-in", async ({ page, loginPage, shell }) => {
    await page.goto("/webhooks/logs");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fwebhooks%2Flogs$/);
    await loginPage.signIn(ACCOUNTS.partner.email, ACCOUNTS.partner.password);
    await expect(page).toHaveURL(/\/webhooks\/logs$/);
    await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();
    await shell.expectSignedInAs("Acme Verify");
  });

  test("each demo account signs in to its own organization", async ({ signInElsewhere }) => {
    for (const name of ["partner", "other", "admin"] as const) {
      const page = await signInElsewhere(name);
      await expect(page.getByTestId("current-user")).toContainText(ACCOUNTS[name].email);
    }
  });

  test("a wrong password shows an error and creates no session", async ({ page, loginPage, context }) => {
    await loginPage.goto();
    await loginPage.signIn(ACCOUNTS.partner.email, "not-the-password");
    await expect(loginPage.error).toHaveText("Wrong email or password. Check both and try again.");
    await expect(page).toHaveURL(/\/login/);
    // The email stays filled in; the password does not.
    await expect(loginPage.email).toHaveValue(ACCOUNTS.partner.email);
    const cookies = await context.cookies();
    expect(cookies.some((c) => SESSION_COOKIE.test(c.name))).toBe(false);
    await page.goto("/webhooks");
    await expect(page).toHaveURL(/\/login/);
  });

  test("malformed input is explained field by field", async ({ loginPage, page }) => {
    await loginPage.goto();
    await loginPage.signIn("not-an-email", "");
    await expect(page.getByText("Enter a valid email address, like name@company.com.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(loginPage.email).toHaveAttribute("aria-invalid", "true");
  });

  test("repeated failures for one email are throttled with a clear message", async ({ loginPage }) => {
    const email = `throttle-e2e-${Date.now()}@example.com`;
    await loginPage.goto();
    for (let i = 0; i < 10; i += 1) {
      await loginPage.signIn(email, `guess-${i}`);
      await expect(loginPage.error).toHaveText(/Wrong email or password/);
      await expect(loginPage.password).toHaveValue("");
    }
    await loginPage.signIn(email, "guess-final");
    await expect(loginPage.error).toHaveText(/Too many failed sign-in attempts\. Try again in \d+ minutes?\./);
  });

  test("sign-out ends the session", async ({ page, signInAs, context }) => {
    const shell = await signInAs("partner");
    await shell.signOut();
    await expect.poll(async () => (await context.cookies()).some((c) => SESSION_COOKIE.test(c.name))).toBe(false);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings$/);
  });

  test("a signed-in visit to /login goes back to the portal", async ({ page, signInAs }) => {
    await signInAs("other");
    await page.goto("/login");
    await expect(page).toHaveURL(/\/webhooks$/);
  });
});
