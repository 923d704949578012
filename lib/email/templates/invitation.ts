import { z } from "zod";
import { renderLayout, utcText, validityText } from "./layout";
import { defineEmailTemplate } from "./types";

/**
 * An invitation to join an organization. `link` carries the single-use token (the caller stores only its hash);
 * `inviterName` is absent when a platform admin invites an organization's first owner.
 */
export const invitationTemplate = defineEmailTemplate({
  schema: z.object({
    organizationName: z.string().min(1),
    inviterName: z.string().min(1).optional(),
    inviteeName: z.string().min(1).optional(),
    role: z.enum(["owner", "member"]),
    link: z.url({ protocol: /^https?$/ }),
    expiresAt: z.coerce.date(),
  }),
  render(data, brand) {
    const who = data.inviterName ? `${data.inviterName} invited you` : "You have been invited";
    const role = data.role === "owner" ? "an owner" : "a member";
    return renderLayout(brand, {
      subject: `Join ${data.organizationName} on ${brand.appName}`,
      preheader: `${who} to join ${data.organizationName} on ${brand.appName}.`,
      heading: `Join ${data.organizationName} on ${brand.appName}`,
      paragraphs: [
        data.inviteeName ? `Hello ${data.inviteeName},` : "Hello,",
        `${who} to join ${data.organizationName} on ${brand.appName} as ${role}. ${brand.appName} is where ${data.organizationName} manages its webhooks: endpoints, signing secrets and every delivery.`,
      ],
      action: { label: "Accept the invitation", url: data.link },
      footnotes: [
        `This link works once and expires in ${validityText(data.expiresAt)} (${utcText(data.expiresAt)}). If it has expired, ask for a new invitation.`,
        "If you did not expect this invitation, you can ignore this email: nothing happens until the link is used.",
      ],
    });
  },
});
