import { expect, type Locator, type Page } from "@playwright/test";

export class LoginPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel("Email");
    this.password = page.getByLabel("Password");
    this.submit = page.getByRole("button", { name: "Sign in" });
    this.error = page.getByTestId("login-error");
  }

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl ? `/login?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/login");
    await expect(this.page.getByRole("heading", { name: "Sign in to Herald" })).toBeVisible();
  }

  /** Fills and submits the form, and waits for the server action's answer (a redirect or the form again). */
  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await Promise.all([
      this.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
      this.submit.click(),
    ]);
  }
}
