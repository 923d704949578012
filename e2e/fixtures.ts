import { test as base, expect, type Page } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { PortalShell } from "./pages/portal-shell";

export const ACCOUNTS = {
  admin: { email: "admin@example.com", password: "admin-demo-password", org: "Herald Platform" },
  partner: { email: "partner@example.com", password: "partner-demo-password", org: "Acme Verify" },
  other: { email: "other@example.com", password: "other-demo-password", org: "Globex Credentials" },
} as const;

export type AccountName = keyof typeof ACCOUNTS;

/**
 * Collects the Content-Security-Policy violations Chromium reports on a page's console. Every spec runs with the
 * policy on, and a test fails when anything it showed was refused by it (a test that provokes a violation on
 * purpose takes its own out of `cspViolations`).
 */
function watchContentSecurityPolicy(page: Page, into: string[]): void {
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(`${page.url()}: ${message.text()}`);
  });
}

interface Fixtures {
  cspViolations: string[];
  loginPage: LoginPage;
  shell: PortalShell;
  /** Signs in through the real login form and waits for the portal. */
  signInAs: (account: AccountName) => Promise<PortalShell>;
  /**
   * Signs in as another account in a separate browser context. Clearing cookies in one context is not enough:
   * a request still in flight (a prefetch) can set the session cookie again.
   */
  signInElsewhere: (account: AccountName) => Promise<Page>;
}

async function signInOn(page: Page, account: AccountName): Promise<PortalShell> {
  const { email, password, org } = ACCOUNTS[account];
  const loginPage = new LoginPage(page);
  const shell = new PortalShell(page);
  await loginPage.goto();
  await loginPage.signIn(email, password);
  await expect(page).toHaveURL(/\/webhooks$/);
  await shell.expectSignedInAs(org);
  return shell;
}

export const test = base.extend<Fixtures>({
  cspViolations: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, cspViolations }, use) => {
    watchContentSecurityPolicy(page, cspViolations);
    await use(page);
    expect(cspViolations, "Content-Security-Policy violations").toEqual([]);
  },
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  shell: async ({ page }, use) => {
    await use(new PortalShell(page));
  },
  signInAs: async ({ page }, use) => {
    await use((account) => signInOn(page, account));
  },
  signInElsewhere: async ({ browser, baseURL, cspViolations }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (account) => {
      const context = await browser.newContext({ baseURL });
      contexts.push(context);
      const page = await context.newPage();
      watchContentSecurityPolicy(page, cspViolations);
      await signInOn(page, account);
      return page;
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});

export { expect };
