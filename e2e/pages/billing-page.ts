import { expect, type Locator, type Page } from "@playwright/test";

/** The Billing page: the subscription card, the three plans, and the notices around them. */
export class BillingPage {
  readonly subscription: Locator;
  readonly notConfigured: Locator;
  readonly pausedBanner: Locator;

  constructor(readonly page: Page) {
    this.subscription = page.getByTestId("subscription");
    this.notConfigured = page.getByTestId("billing-not-configured");
    this.pausedBanner = page.getByTestId("deliveries-paused");
  }

  async goto() {
    await this.page.goto("/billing");
    await expect(this.page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  }

  plan(id: "free" | "pro" | "enterprise"): Locator {
    return this.page.getByTestId(`plan-${id}`);
  }

  async expectPlan(name: string) {
    await expect(this.page.getByTestId("subscription-plan")).toHaveText(name);
  }
}

/** The Admin page's organizations table and its Set plan dialog. */
export class AdminPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin");
    await expect(this.page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
  }

  row(orgName: string): Locator {
    return this.page.getByTestId("admin-org-row").filter({ hasText: orgName });
  }

  async setPlan(orgName: string, planLabel: string) {
    await this.page.getByRole("button", { name: `Set plan of ${orgName}` }).click();
    const dialog = this.page.getByRole("dialog");
    await dialog.getByLabel("Plan").click();
    await this.page.getByRole("option", { name: planLabel, exact: true }).click();
    await dialog.getByRole("button", { name: "Set plan" }).click();
    await expect(dialog).toBeHidden();
  }
}
