import { z } from "zod";
import { renderLayout, utcText, validityText } from "./layout";
import { defineEmailTemplate } from "./types";

/** A password reset link (single-use; the caller stores only the token's hash). */
export const passwordResetTemplate = defineEmailTemplate({
  schema: z.object({
    name: z.string().min(1).optional(),
    link: z.url({ protocol: /^https?$/ }),
    expiresAt: z.coerce.date(),
  }),
  render(data, brand) {
    return renderLayout(brand, {
      subject: `Reset your ${brand.appName} password`,
      preheader: `Someone asked to reset the password of your ${brand.appName} account.`,
      heading: "Reset your password",
      paragraphs: [
        data.name ? `Hello ${data.name},` : "Hello,",
        `Someone, hopefully you, asked to reset the password of your ${brand.appName} account. Choose a new password with the button below. Resetting it signs you out everywhere else.`,
      ],
      action: { label: "Choose a new password", url: data.link },
      footnotes: [
        `This link works once and expires in ${validityText(data.expiresAt)} (${utcText(data.expiresAt)}).`,
        "If you did not ask for this, ignore this email: your password stays as it is.",
      ],
    });
  },
});
