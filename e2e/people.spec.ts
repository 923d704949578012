import type { Browser, Page } from "@playwright/test";
import { ACCOUNTS, expect, test } from "./fixtures";
import { portalLink, waitForEmail } from "./mailbox";
import { LoginPage } from "./pages/login-page";
import { PortalShell } from "./pages/portal-shell";

/**
 * People, as a newcomer meets them: a platform admin creates a partner organization and invites its owner, the owner
 * follows the emailed link (a real SMTP server on loopback received it), sets a password, signs in and invites a
 * member, who joins; a forgotten password is reset through the emailed link. The first-run path without SMTP (the
 * invitation is kept under Admin -> Emails, its link works) runs against a second server started without SMTP_URL.
 * Every person and organization here is new, so the specs never disturb the demo accounts others use.
 */

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A browser of its own for each person (cookies never mix). */
async function newPerson(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

async function signInAsAdmin(page: Page) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(ACCOUNTS.admin.email, ACCOUNTS.admin.password);
  await expect(page).toHaveURL(/\/webhooks$/);
}

/** Admin -> Organizations: New organization, then Invite an owner from its row. */
async function createOrganizationAndInviteOwner(page: Page, name: string, ownerEmail: string) {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "New organization" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await expect(dialog.getByLabel("Slug")).toHaveValue(name.toLowerCase().replace(/[^a-z0-9]+/g, "-"));
  await dialog.getByLabel("Plan").click();
  await page.getByRole("option", { name: "Enterprise" }).click();
  await dialog.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Organization created" })).toBeVisible();
  await page.getByRole("searchbox", { name: "Search organizations" }).fill(name);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByTestId("admin-org-row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Invite an owner…" }).click();
  const invite = page.getByRole("dialog");
  await invite.getByLabel("Email").fill(ownerEmail);
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Invitation sent" })).toBeVisible();
  await expect(row.getByTestId("pending-invitations")).toHaveText("1 invited");
}

/** On an invitation link without an account: name, password twice; lands in the portal signed in. */
async function acceptAsNewPerson(page: Page, link: string, orgName: string, name: string, password: string) {
  await page.goto(link);
  await expect(page.getByRole("heading", { name: `Join ${orgName}` })).toBeVisible();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await new PortalShell(page).expectSignedInAs(orgName);
}

test.describe("people (SMTP)", () => {
  test("an admin creates an organization and invites its owner; the owner joins by email, signs in and invites a member, who joins", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const id = unique();
    const orgName = `Initech ${id}`;
    const ownerEmail = `owner-${id}@initech.example`;
    const memberEmail = `member-${id}@initech.example`;

    await signInAsAdmin(page);
    await createOrganizationAndInviteOwner(page, orgName, ownerEmail);

    const invitation = await waitForEmail(ownerEmail, { subject: new RegExp(`Join ${orgName}`) });
    expect(invitation.text).toContain("as an owner");
    const owner = await newPerson(browser, baseURL!);
    await acceptAsNewPerson(owner, portalLink(invitation), orgName, "Olivia Owner", "owner's long password 1");

    // The password works: sign out, sign in again with it.
    const ownerShell = new PortalShell(owner);
    await ownerShell.signOut();
    const login = new LoginPage(owner);
    await login.signIn(ownerEmail, "owner's long password 1");
    await expect(owner).toHaveURL(/\/webhooks$/);
    await ownerShell.expectSignedInAs(orgName);

    // The owner invites a member from Settings -> Members.
    await ownerShell.link("Members").click();
    await expect(owner.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
    await owner.getByLabel("Email").fill(memberEmail);
    await owner.getByRole("button", { name: "Send invitation" }).click();
    await expect(owner.getByTestId("toast").filter({ hasText: "Invitation sent" })).toBeVisible();
    await expect(owner.getByTestId("invitation-row").filter({ hasText: memberEmail })).toBeVisible();
    // Inviting the same address again, or a member, says so.
    await owner.getByLabel("Email").fill(ownerEmail);
    await owner.getByRole("button", { name: "Send invitation" }).click();
    await expect(owner.getByTestId("field-error")).toHaveText(`${ownerEmail} is already a member of ${orgName}.`);

    const memberInvitation = await waitForEmail(memberEmail);
    expect(memberInvitation.text).toContain("Olivia Owner invited you");
    const member = await newPerson(browser, baseURL!);
    await acceptAsNewPerson(member, portalLink(memberInvitation), orgName, "Milo Member", "member's long password 2");

    // The member sees the list read-only; the owner sees both, and no pending invitation.
    await new PortalShell(member).link("Members").click();
    await expect(member.getByTestId("member-row")).toHaveCount(2);
    await expect(member.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
    await expect(member.getByTestId("role-select")).toHaveCount(0);
    await owner.reload();
    await expect(owner.getByTestId("member-row")).toHaveCount(2);
    await expect(owner.getByTestId("no-invitations")).toBeVisible();

    // A used link says so.
    const stranger = await newPerson(browser, baseURL!);
    await stranger.goto(portalLink(memberInvitation));
    await expect(stranger.getByTestId("invitation-state")).toContainText("already used");
  });

  test("a forgotten password is reset through the emailed link; old sessions end", async ({ page, browser, baseURL }) => {
    test.setTimeout(120_000);
    const id = unique();
    const orgName = `Hooli ${id}`;
    const email = `forgetful-${id}@hooli.example`;
    await signInAsAdmin(page);
    await createOrganizationAndInviteOwner(page, orgName, email);
    const person = await newPerson(browser, baseURL!);
    await acceptAsNewPerson(person, portalLink(await waitForEmail(email)), orgName, "Fran Forgetful", "the first password 1");

    // Another browser, fresh: Forgot password? from the login page.
    const other = await newPerson(browser, baseURL!);
    const login = new LoginPage(other);
    await login.goto();
    await other.getByRole("link", { name: "Forgot password?" }).click();
    await expect(other.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await other.getByLabel("Email").fill(email);
    await other.getByRole("button", { name: "Send reset link" }).click();
    await expect(other.getByTestId("form-success")).toContainText(`If ${email} belongs to a Herald account`);

    const resetEmail = await waitForEmail(email, { subject: /Reset your/ });
    await other.goto(portalLink(resetEmail));
    await expect(other.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await other.getByLabel("New password", { exact: true }).fill("the second password 2");
    await other.getByLabel("Confirm new password").fill("the second password 2");
    await other.getByRole("button", { name: "Set new password" }).click();
    await expect(other).toHaveURL(/\/login\?reset=1$/);
    await expect(other.getByTestId("login-notice")).toContainText("Your password was changed");

    // The browser that was signed in before the reset is signed out.
    await person.goto("/settings");
    await expect(person).toHaveURL(/\/login/);

    await login.signIn(email, "the first password 1");
    await expect(login.error).toHaveText(/Wrong email or password/);
    await login.signIn(email, "the second password 2");
    await expect(other).toHaveURL(/\/webhooks$/);
    await new PortalShell(other).expectSignedInAs(orgName);

    // The link worked once.
    await other.goto(portalLink(resetEmail));
    await expect(other.getByTestId("reset-state")).toContainText("already used");
  });

  test("someone in two organizations switches between them from the sidebar", async ({ page, browser, baseURL }) => {
    test.setTimeout(120_000);
    const id = unique();
    const first = `Vandelay ${id}`;
    const second = `Kramerica ${id}`;
    const email = `both-${id}@vandelay.example`;
    await signInAsAdmin(page);
    await createOrganizationAndInviteOwner(page, first, email);
    const person = await newPerson(browser, baseURL!);
    await acceptAsNewPerson(person, portalLink(await waitForEmail(email)), first, "Art Vandelay", "art's long password 1");

    await createOrganizationAndInviteOwner(page, second, email);
    // Signed in already: the second invitation asks only for confirmation.
    await person.goto(portalLink(await waitForEmail(email, { nth: 2 })));
    await person.getByRole("button", { name: `Join ${second}` }).click();
    await expect(person).toHaveURL(/\/webhooks$/);
    const shell = new PortalShell(person);
    await shell.expectSignedInAs(second);

    await person.getByTestId("org-switcher").click();
    await person.getByRole("menuitem", { name: new RegExp(first) }).click();
    await expect(person.getByTestId("toast").filter({ hasText: `Now working in ${first}` })).toBeVisible();
    await shell.expectSignedInAs(first);
    await person.reload();
    await shell.expectSignedInAs(first);
  });
});

test.describe("people (no SMTP: the first-run path)", () => {
  test.use({ baseURL: process.env.E2E_NO_SMTP_URL });

  test("the invitation is kept under Admin -> Emails, and its link works", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const id = unique();
    const orgName = `Globodyne ${id}`;
    const email = `first-${id}@globodyne.example`;
    await signInAsAdmin(page);
    await createOrganizationAndInviteOwner(page, orgName, email);

    await new PortalShell(page).link("Emails").click();
    const row = page.getByTestId("emails-table").getByRole("row").filter({ hasText: email });
    await expect(row).toContainText("Kept");
    // A total like Logs', and filters that count what they match.
    await expect(page.getByTestId("emails-total")).toHaveText(/^[\d,]+ emails?$/);
    await page.getByLabel("Recipient").fill(email);
    await page.getByLabel("Recipient").press("Enter");
    await expect(page.getByTestId("emails-total")).toHaveText("1 email match");
    await expect(page.getByRole("navigation", { name: "Pages" }).getByRole("link")).toHaveCount(0);
    await row.getByRole("link", { name: new RegExp(`Join ${orgName}`) }).click();
    const link = await page.getByTestId("email-link").getAttribute("href");
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

    const owner = await newPerson(browser, process.env.E2E_NO_SMTP_URL!);
    await acceptAsNewPerson(owner, link!, orgName, "First Owner", "first owner's password");
  });
});

test.describe("sessions", () => {
  test("after sign-out, the old session cookie no longer loads pages", async ({ page, signInAs, context }) => {
    await signInAs("other");
    const before = await context.cookies();
    expect(before.some((c) => /authjs\.session-token/.test(c.name))).toBe(true);
    await new PortalShell(page).signOut();
    // Someone kept a copy of the cookie: replaying it gets the sign-in page, not the portal.
    await context.addCookies(before);
    await page.goto("/api-keys");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in to Herald" })).toBeVisible();
  });
});
