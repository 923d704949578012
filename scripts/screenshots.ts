/**
 * `npm run screenshots -- [baseURL]`: signs in to a running Herald (default http://localhost:3000) with the demo
 * accounts and saves screenshots of the main pages to public/screenshots/ (the README shows them).
 */
import { mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";

const baseURL = process.argv[2] ?? "http://localhost:3000";
const out = "public/screenshots";
const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].find((p) => p && existsSync(p));

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/webhooks$/);
}

async function main() {
  await mkdir(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await desktop.goto(`${baseURL}/login`);
    await desktop.screenshot({ path: `${out}/login.png` });
    await signIn(desktop, "partner@example.com", "partner-demo-password");
    await desktop.getByRole("link", { name: "Create Webhook" }).first().click();
    await desktop.getByLabel("Endpoint URL").fill("https://api.acme-verify.example/webhooks/herald");
    await desktop.getByLabel("Description").fill("Production receiver");
    await desktop.getByRole("button", { name: "Add header" }).click();
    await desktop.getByLabel("Header name").fill("X-API-Key");
    await desktop.getByLabel("Header value").fill("sk_live_4f9a2c");
    await desktop.screenshot({ path: `${out}/create-webhook.png` });
    await desktop.getByRole("button", { name: "Create Webhook" }).click();
    await desktop.waitForURL(/\/webhooks\/ep_/);
    await desktop.getByRole("button", { name: "Reveal" }).click();
    await desktop.getByTestId("signing-secret").getByText("whsec_").waitFor();
    await desktop.waitForTimeout(5500);
    await desktop.screenshot({ path: `${out}/endpoint.png` });
    await desktop.goto(`${baseURL}/webhooks`);
    await desktop.screenshot({ path: `${out}/webhooks.png` });
    for (const path of ["settings", "billing", "events", "api-docs"]) {
      await desktop.goto(`${baseURL}/${path}`);
      await desktop.screenshot({ path: `${out}/${path}.png` });
    }
    await desktop.goto(`${baseURL}/settings/audit-log`);
    await desktop.getByTestId("audit-log").waitFor();
    await desktop.screenshot({ path: `${out}/audit-log.png` });
    const admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(admin, "admin@example.com", "admin-demo-password");
    await admin.goto(`${baseURL}/admin`);
    await admin.screenshot({ path: `${out}/admin.png` });
    await admin.goto(`${baseURL}/admin/audit-log`);
    await admin.screenshot({ path: `${out}/admin-audit-log.png` });
    // Admin -> Emails, then the newest email open (its link, HTML and text parts), when there is one.
    await admin.goto(`${baseURL}/admin/emails`);
    await admin.screenshot({ path: `${out}/emails.png` });
    const first = admin.getByTestId("emails-table").getByRole("link").first();
    if (await first.count()) {
      await first.click();
      await admin.frameLocator("[data-testid=email-preview] iframe").getByRole("link").first().waitFor();
      await admin.screenshot({ path: `${out}/email.png` });
    }
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await signIn(phone, "other@example.com", "other-demo-password");
    await phone.screenshot({ path: `${out}/mobile.png` });
    await phone.getByRole("button", { name: "Open menu" }).click();
    await phone.screenshot({ path: `${out}/mobile-menu.png` });
    console.log(`screenshots saved to ${out}/`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
