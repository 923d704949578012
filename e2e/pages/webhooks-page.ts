import { expect, type Locator, type Page } from "@playwright/test";

export interface EndpointInput {
  url: string;
  description?: string;
  header?: { name: string; value: string };
  /** Subscribe to only these types (default: all events). */
  events?: string[];
  /** Retries after the first attempt (default: the form's, 3). */
  retries?: number;
}

/** The Webhooks list, the Create Webhook form and an endpoint's page. */
export class WebhooksPage {
  constructor(readonly page: Page) {}

  async gotoList() {
    await this.page.goto("/webhooks");
    await expect(this.page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  }

  rowFor(url: string): Locator {
    return this.page.getByRole("row").filter({ hasText: url });
  }

  async openCreate() {
    await this.gotoList();
    await this.page.getByRole("link", { name: "Create Webhook" }).first().click();
    await expect(this.page.getByRole("heading", { name: "Create Webhook", level: 1 })).toBeVisible();
  }

  async fillForm(input: EndpointInput) {
    await this.page.getByLabel("Endpoint URL").fill(input.url);
    if (input.description !== undefined) await this.page.getByLabel("Description").fill(input.description);
    if (input.events) {
      await this.page.getByLabel("Only the events I choose").check();
      for (const type of input.events) await this.page.getByRole("checkbox", { name: new RegExp(`^${type.replace(".", "\\.")}`) }).check();
    }
    if (input.retries !== undefined) await this.page.getByLabel("Retries").fill(String(input.retries));
    if (input.header) {
      await this.page.getByRole("button", { name: "Add header" }).click();
      await this.page.getByLabel("Header name").last().fill(input.header.name);
      await this.page.getByLabel("Header value").last().fill(input.header.value);
    }
  }

  async submitCreate() {
    await this.page.getByRole("button", { name: "Create Webhook" }).click();
  }

  /** Creates an endpoint through the form and waits for its page. */
  async create(input: EndpointInput): Promise<string> {
    await this.openCreate();
    await this.fillForm(input);
    await this.submitCreate();
    await expect(this.page).toHaveURL(/\/webhooks\/ep_[0-9a-z]{20}$/);
    await expect(this.page.getByTestId("endpoint-url")).toHaveText(input.url);
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  fieldError(): Locator {
    return this.page.getByTestId("field-error");
  }

  toast(text: string | RegExp): Locator {
    return this.page.getByTestId("toast").filter({ hasText: text });
  }

  async confirm(name: string) {
    const dialog = this.page.getByRole("alertdialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name }).click();
  }
}
