/**
 * The one layout every email shares, written as plain strings: table-based HTML with inline styles (what mail clients
 * render reliably) and a text part that says the same. Every value that reaches the HTML goes through `escapeHtml`.
 */

export interface EmailBrand {
  /** APP_NAME: the platform's name, e.g. "Herald". */
  appName: string;
  /** APP_URL: the portal's origin, without a trailing slash. */
  appUrl: string;
}

export interface EmailContent {
  subject: string;
  /** A line mail clients show beside the subject. */
  preheader: string;
  heading: string;
  /** Plain-text paragraphs (escaped for the HTML part). */
  paragraphs: string[];
  /** Facts shown as a two-column table under the paragraphs (an alert's endpoint, counts, last error); a value may link. */
  details?: { label: string; value: string; url?: string }[];
  /** A titled bullet list after the details (an alert's "what to check"). */
  checklist?: { title: string; items: string[] };
  action?: { label: string; url: string };
  /** Small print under the button, e.g. when the link expires and what to do if the email was unexpected. */
  footnotes?: string[];
  /** A one-click unsubscribe link in the footer (alerts; the same URL travels in the List-Unsubscribe header). */
  unsubscribe?: { label: string; url: string };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The call to action's URL, if any: kept with the email and shown clickable to platform admins. */
  link?: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "in 7 days", "in 30 minutes": how long a link stays valid, from its expiry. */
export function validityText(expiresAt: Date, now: Date = new Date()): string {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  const days = Math.round(hours / 24);
  return `${days} days`;
}

/** "29 Nov 2026, 14:05 UTC". */
export function utcText(date: Date): string {
  const text = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date);
  return `${text} UTC`;
}

export function renderLayout(brand: EmailBrand, content: EmailContent): RenderedEmail {
  const e = escapeHtml;
  const paragraphs = content.paragraphs
    .map((p) => `<p style="margin:0 0 16px;font-size:15px;line-height:24px;color:#1f2937;">${e(p)}</p>`)
    .join("\n");
  const button = content.action
    ? `<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:8px 0 24px;"><tr><td style="border-radius:6px;background:#4f46e5;">
<a href="${e(content.action.url)}" style="display:inline-block;padding:12px 20px;font-size:15px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">${e(content.action.label)}</a>
</td></tr></table>
<p style="margin:0 0 16px;font-size:13px;line-height:20px;color:#6b7280;">If the button does not work, copy this link into your browser:<br><a href="${e(content.action.url)}" style="color:#4f46e5;word-break:break-all;">${e(content.action.url)}</a></p>`
    : "";
  const details = content.details?.length
    ? `<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:0 0 16px;font-size:14px;line-height:20px;color:#1f2937;">
${content.details
  .map(
    (d) =>
      `<tr><td style="padding:2px 16px 2px 0;color:#6b7280;vertical-align:top;white-space:nowrap;">${e(d.label)}</td><td style="padding:2px 0;word-break:break-word;">${
        d.url ? `<a href="${e(d.url)}" style="color:#4f46e5;">${e(d.value)}</a>` : e(d.value)
      }</td></tr>`,
  )
  .join("\n")}
</table>`
    : "";
  const checklist = content.checklist
    ? `<p style="margin:0 0 8px;font-size:15px;line-height:24px;font-weight:600;color:#1f2937;">${e(content.checklist.title)}</p>
<ul style="margin:0 0 16px;padding-left:20px;font-size:15px;line-height:24px;color:#1f2937;">${content.checklist.items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>`
    : "";
  const unsubscribe = content.unsubscribe
    ? ` &middot; <a href="${e(content.unsubscribe.url)}" style="color:#9ca3af;">${e(content.unsubscribe.label)}</a>`
    : "";
  const footnotes = (content.footnotes ?? [])
    .map((f) => `<p style="margin:0 0 8px;font-size:13px;line-height:20px;color:#6b7280;">${e(f)}</p>`)
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(content.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;">
<div style="display:none;max-height:0;overflow:hidden;">${e(content.preheader)}</div>
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:32px 16px;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="max-width:560px;background:#ffffff;border-radius:8px;border:1px solid #e5e7eb;">
<tr><td style="padding:24px 32px 0;font-size:14px;font-weight:700;color:#4f46e5;">${e(brand.appName)}</td></tr>
<tr><td style="padding:16px 32px 24px;">
<h1 style="margin:0 0 16px;font-size:20px;line-height:28px;color:#111827;">${e(content.heading)}</h1>
${paragraphs}
${details}
${checklist}
${button}
${footnotes}
</td></tr>
</table>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;">${e(brand.appName)} &middot; <a href="${e(brand.appUrl)}" style="color:#9ca3af;">${e(brand.appUrl)}</a>${unsubscribe}</p>
</td></tr></table>
</body>
</html>
`;
  const text = [
    content.heading,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...(content.details?.length ? [...content.details.map((d) => `${d.label}: ${d.value}${d.url && d.url !== d.value ? ` (${d.url})` : ""}`), ""] : []),
    ...(content.checklist ? [content.checklist.title, ...content.checklist.items.map((i) => `- ${i}`), ""] : []),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ""] : []),
    ...(content.footnotes ?? []).flatMap((f) => [f, ""]),
    "--",
    `${brand.appName} - ${brand.appUrl}`,
    ...(content.unsubscribe ? [`${content.unsubscribe.label}: ${content.unsubscribe.url}`] : []),
    "",
  ].join("\n");
  return { subject: content.subject, html, text, link: content.action?.url };
}
