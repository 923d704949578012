import { z } from "zod";
import { renderLayout, utcText, validityText } from "./layout";
import { defineEmailTemplate } from "./types";

/** Confirms a new sign-in email: sent to the new address (single-use link; the caller stores only the token's hash). */
export const emailChangeTemplate = defineEmailTemplate({
  schema: z.object({
    name: z.string().min(1).optional(),
    oldEmail: z.email(),
    newEmail: z.email(),
    link: z.url({ protocol: /^https?$/ }),
    expiresAt: z.coerce.date(),
  }),
  render(data, brand) {
    return renderLayout(brand, {
      subject: `Confirm your new ${brand.appName} email`,
      preheader: `Confirm ${data.newEmail} as the email of your ${brand.appName} account.`,
      heading: "Confirm your new email",
      paragraphs: [
        data.name ? `Hello ${data.name},` : "Hello,",
        `You asked to change the email of your ${brand.appName} account from ${data.oldEmail} to ${data.newEmail}. Confirm it with the button below; until then you keep signing in with ${data.oldEmail}.`,
      ],
      action: { label: "Confirm this email", url: data.link },
      footnotes: [
        `This link works once and expires in ${validityText(data.expiresAt)} (${utcText(data.expiresAt)}).`,
        "If you did not ask for this, ignore this email: nothing changes.",
      ],
    });
  },
});
