import { test as base, expect } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { PortalShell } from "./pages/portal-shell";

export const ACCOUNTS = {
  admin: { email: "admin@example.com", password: "admin-demo-password", org: "Herald Platform" },
  partner: { email: "partner@example.com", password: "partner-demo-password", org: "Acme Verify" },
  other: { email: "other@example.com", password: "other-demo-password", org: "Globex Credentials" },
} as const;

export type AccountName = keyof typeof ACCOUNTS;

interface Fixtures {
  loginPage: LoginPage;
  shell: PortalShell;
  /** Signs in through the real login form and waits for the portal. */
  signInAs: (account: AccountName) => Promise<PortalShell>;
}

export const test = base.extend<Fixtures>({
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  shell: async ({ page }, use) => {
    await use(new PortalShell(page));
  },
  signInAs: async ({ page, loginPage, shell }, use) => {
    await use(async (account) => {
      const { email, password, org } = ACCOUNTS[account];
      await loginPage.goto();
      await loginPage.signIn(email, password);
      await expect(page).toHaveURL(/\/webhooks$/);
      await shell.expectSignedInAs(org);
      return shell;
    });
  },
});

export { expect };
