import { expect, type Locator, type Page } from "@playwright/test";

/** One endpoint's page: its status, Send test event, Health, Recent deliveries and Redeliver failed. */
export class EndpointPage {
  readonly testResult: Locator;
  readonly successRate: Locator;
  readonly recentDeliveries: Locator;
  readonly header: Locator;

  constructor(readonly page: Page) {
    this.testResult = page.getByTestId("test-event-result");
    this.successRate = page.getByTestId("success-rate");
    this.recentDeliveries = page.getByTestId("recent-deliveries");
    this.header = page.getByTestId("endpoint-url").locator("..");
  }

  async goto(id: string) {
    await this.page.goto(`/webhooks/${id}`);
    await expect(this.page.getByTestId("endpoint-url")).toBeVisible();
  }

  async sendTestEvent() {
    await this.page.getByRole("button", { name: "Send test event" }).click();
    await expect(this.page.getByRole("button", { name: "Send test event" })).toBeVisible({ timeout: 40_000 });
  }

  /**
   * Whether the endpoint is on: Active is said once, by the switch in the page header (checked); a disabled endpoint
   * shows a Disabled badge beside its URL.
   */
  statusBadge(text: "Active" | "Disabled"): Locator {
    return text === "Active" ? this.page.getByRole("switch", { name: "Active", checked: true }) : this.header.getByText("Disabled", { exact: true });
  }
}
