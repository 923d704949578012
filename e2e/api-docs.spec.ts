import { EVENT_TYPES } from "../lib/events/catalog";
import { expect, test } from "./fixtures";

test.describe("event catalog and API reference", () => {
  test("the Event catalog lists every type with its fields and an example to copy", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("Event catalog").click();
    await expect(page.getByRole("heading", { name: "Event catalog" })).toBeVisible();
    for (const type of EVENT_TYPES) {
      const card = page.locator(`[id="${type.replace(/[^a-z0-9]+/gi, "-")}"]`);
      await expect(card).toBeVisible();
      await expect(card).toContainText(type);
      await expect(card.getByLabel(`Example ${type} payload`, { exact: true })).toContainText(`"type": "${type}"`);
    }
    const renewed = page.locator("#credential-renewed");
    await expect(renewed.getByRole("table", { name: "Fields of credential.renewed" })).toContainText("previousCredentialUuid");
    await expect(renewed.getByLabel("Example credential.renewed payload", { exact: true })).toContainText('"previousCredentialId": "CRD-ZBUYQMTA"');
    await expect(renewed.getByRole("button", { name: "Copy example credential.renewed payload" })).toBeVisible();
  });

  test("the API reference documents every operation and links the OpenAPI document", async ({ page, signInAs }) => {
    const shell = await signInAs("partner");
    await shell.link("API reference").click();
    await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
    const complete = page.locator("#post-api-v1-sessions-id-complete");
    await expect(complete).toContainText("exactly once");
    await expect(complete.getByRole("table", { name: /Request body/ })).toContainText("attestation");
    await expect(complete.getByLabel(/^curl for POST/)).toContainText("Authorization: Bearer $HERALD_API_KEY");
    const link = page.getByRole("link", { name: "OpenAPI document" });
    const response = await page.request.get((await link.getAttribute("href"))!);
    expect(response.status()).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown>; webhooks: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/credentials/{id}/renew");
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
  });

  test("a free organization sees that the API is part of Pro: no Create API key, and Billing says so", async ({ page, signInAs }) => {
    const shell = await signInAs("other");
    await shell.link("API keys").click();
    await expect(page.getByTestId("api-upgrade")).toContainText("The public API and API keys are part of the Pro plan");
    await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);
    await page.getByTestId("api-upgrade").getByRole("link", { name: "See plans on Billing" }).click();
    await expect(page.getByTestId("plan-free")).toContainText("Public API, API keys and polling not included");
    await expect(page.getByTestId("plan-pro")).toContainText("Public API, API keys and polling");
    await expect(page.getByTestId("plan-pro")).not.toContainText("polling not included");
  });
});
