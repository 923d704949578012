import { expect, type Locator, type Page } from "@playwright/test";

/** Webhooks -> Logs (and Admin -> All deliveries): the URL-driven filters, the table, a delivery's page. */
export class LogsPage {
  readonly filters: Locator;
  readonly status: Locator;
  readonly type: Locator;
  readonly endpoint: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly search: Locator;
  readonly time: Locator;
  readonly total: Locator;

  constructor(readonly page: Page) {
    this.filters = page.getByRole("search", { name: "Filter deliveries" });
    this.status = this.filters.getByLabel("Status");
    this.type = this.filters.getByLabel("Event type");
    this.endpoint = this.filters.getByLabel("Endpoint", { exact: true });
    this.from = this.filters.getByLabel(/^From \(/);
    this.to = this.filters.getByLabel(/^To \(/);
    this.search = this.filters.getByRole("searchbox", { name: "Search" });
    this.time = this.filters.getByLabel("Time", { exact: true });
    this.total = page.getByTestId("logs-total");
  }

  /** Picks a choice in one of the filters' styled selects, as a person does: open it, click the choice. */
  async choose(select: Locator, choice: string | RegExp) {
    await chooseOption(this.page, select, choice);
  }

  async goto(query = "", path = "/webhooks/logs") {
    await this.page.goto(query ? `${path}?${query}` : path);
    await expect(this.filters).toBeVisible();
  }

  /** Table rows (not the header) that contain `text`. */
  rows(text: string | RegExp): Locator {
    return this.page.getByRole("row").filter({ hasText: text });
  }

  async openDelivery(text: string | RegExp) {
    await this.rows(text).first().getByRole("link").first().click();
    await expect(this.page).toHaveURL(/\/logs\/dlv_[0-9a-z]{24}$/);
  }

  /** On phones: the list that replaces the table. */
  items(text?: string | RegExp): Locator {
    const items = this.page.getByTestId("delivery-item");
    return text === undefined ? items : items.filter({ hasText: text });
  }

  pageLink(name: "Newer" | "Older" | "Newest"): Locator {
    return this.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: new RegExp(name) });
  }

  /** On a delivery's page. */
  attempts(): Locator {
    return this.page.getByTestId("attempt");
  }
}

/** Opens a styled select (Radix Select: a combobox button and a listbox) and clicks the choice named `choice`. */
export async function chooseOption(page: Page, select: Locator, choice: string | RegExp) {
  await select.click();
  await page.getByRole("listbox").getByRole("option", { name: choice, exact: typeof choice === "string" }).click();
  await expect(page.getByRole("listbox")).toHaveCount(0);
}
