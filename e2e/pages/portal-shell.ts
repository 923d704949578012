import { expect, type Locator, type Page } from "@playwright/test";

/** The sidebar, user block and sign-out every portal page shares. */
export class PortalShell {
  readonly nav: Locator;
  readonly currentOrg: Locator;
  readonly currentUser: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole("navigation", { name: "Main" });
    this.currentUser = page.getByTestId("current-user");
    this.currentOrg = page.getByTestId("current-org");
  }

  link(name: string): Locator {
    return this.nav.getByRole("link", { name, exact: true });
  }

  async expectSignedInAs(orgName: string) {
    await expect(this.currentOrg).toHaveText(orgName);
  }

  async signOut() {
    await this.currentUser.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
