/**
 * `npm run screenshots -- [baseURL]`: signs in to a running Herald (default http://localhost:3000) with the demo
 * accounts and saves screenshots of the main pages to public/screenshots/ (the README shows them).
 */
import { mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "@playwright/test";
import { logsScreenshots } from "./screenshots-logs";

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

/** Admin -> Organizations with an invited owner, the invitation link's page, Settings -> Members, Forgot password. */
async function peopleScreenshots(browser: Browser, admin: Page) {
  for (const [name, slug, externalId, owner] of [
    ["Initech", "initech", "crm-1042", "olivia@initech.example"],
    ["Vandelay Industries", "vandelay", "crm-2210", "art@vandelay.example"],
  ] as const) {
    await admin.goto(`${baseURL}/admin?q=${slug}`);
    if ((await admin.getByTestId("admin-org-row").count()) > 0) continue;
    await admin.getByRole("button", { name: "New organization" }).click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Slug").fill(slug);
    await dialog.getByLabel("External id (optional)").fill(externalId);
    await dialog.getByRole("button", { name: "Create organization" }).click();
    await admin.getByTestId("toast").filter({ hasText: "Organization created" }).waitFor();
    await admin.getByRole("button", { name: `Actions for ${name}` }).click();
    await admin.getByRole("menuitem", { name: "Invite an owner…" }).click();
    await admin.getByRole("dialog").getByLabel("Email").fill(owner);
    await admin.getByRole("dialog").getByRole("button", { name: "Send invitation" }).click();
    await admin.getByTestId("toast").filter({ hasText: "Invitation sent" }).waitFor();
  }
  await admin.goto(`${baseURL}/admin`);
  await admin.screenshot({ path: `${out}/admin-organizations.png` });
  await admin.goto(`${baseURL}/admin/emails`);
  await admin.getByTestId("emails-table").getByRole("link", { name: /Join Initech/ }).first().click();
  const link = await admin.getByTestId("email-link").getAttribute("href");
  const invitee = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await invitee.goto(link!);
  await invitee.getByLabel("Your name").fill("Olivia Owner");
  await invitee.screenshot({ path: `${out}/invitation.png` });

  const partner = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(partner, "partner@example.com", "partner-demo-password");
  await partner.goto(`${baseURL}/settings/members`);
  for (const [email, role] of [["dev@acme-verify.example", "member"], ["cto@acme-verify.example", "owner"]] as const) {
    if ((await partner.getByTestId("invitation-row").filter({ hasText: email }).count()) > 0) continue;
    await partner.getByLabel("Email").fill(email);
    await partner.getByLabel("Role").click();
    await partner.getByRole("option", { name: role === "owner" ? "Owner" : "Member" }).click();
    await partner.getByRole("button", { name: "Send invitation" }).click();
    await partner.getByTestId("invitation-row").filter({ hasText: email }).waitFor();
  }
  await partner.waitForTimeout(5500);
  await partner.screenshot({ path: `${out}/members.png`, fullPage: true });

  const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await visitor.goto(`${baseURL}/reset-password`);
  await visitor.getByLabel("Email").fill("partner@example.com");
  await visitor.getByRole("button", { name: "Send reset link" }).click();
  await visitor.getByTestId("form-success").waitFor();
  await visitor.screenshot({ path: `${out}/reset-password.png` });
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
    // Taken again on the same database, the URL is already in use: the form asks first.
    const again = desktop.getByRole("button", { name: "Create anyway" });
    await Promise.race([desktop.waitForURL(/\/webhooks\/ep_/), again.waitFor().then(() => again.click())]);
    await desktop.waitForURL(/\/webhooks\/ep_/);
    const endpointPath = new URL(desktop.url()).pathname;
    await desktop.getByRole("button", { name: "Reveal" }).click();
    await desktop.getByTestId("signing-secret").getByText("whsec_").waitFor();
    await desktop.waitForTimeout(5500);
    await desktop.screenshot({ path: `${out}/endpoint.png` });
    await desktop.goto(`${baseURL}/webhooks`);
    await desktop.screenshot({ path: `${out}/webhooks.png` });
    // Dark mode: the sidebar's switch, as a person would choose it (the lists' dark variants: screenshots-logs.ts).
    const dark = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await signIn(dark, "partner@example.com", "partner-demo-password");
    const darkChoice = dark.getByRole("radiogroup", { name: "Theme" }).getByRole("radio", { name: "Dark" });
    await darkChoice.click();
    await dark.waitForFunction(() => document.cookie.includes("herald-theme=dark"));
    await dark.mouse.move(900, 700);
    await dark.goto(`${baseURL}${endpointPath}`);
    await dark.getByTestId("endpoint-url").waitFor();
    await darkChoice.and(dark.locator("[aria-checked=true]")).waitFor({ timeout: 5000 });
    await dark.waitForTimeout(1000);
    await dark.screenshot({ path: `${out}/endpoint-dark.png` });
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
    await peopleScreenshots(browser, admin);
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await signIn(phone, "other@example.com", "other-demo-password");
    await phone.screenshot({ path: `${out}/mobile.png` });
    await phone.getByRole("button", { name: "Open menu" }).click();
    await phone.screenshot({ path: `${out}/mobile-menu.png` });
    await logsScreenshots(browser, baseURL, out);
    console.log(`screenshots saved to ${out}/`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
