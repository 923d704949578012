import type { z } from "zod";
import { emailChangeTemplate } from "./email-change";
import { endpointDisabledTemplate, endpointDisablingSoonTemplate, endpointFailingTemplate, endpointRecoveredTemplate } from "./endpoint-alerts";
import { invitationTemplate } from "./invitation";
import { passwordResetTemplate } from "./password-reset";

/**
 * Every email Herald sends, by name. The name is stored with each email (Admin -> Emails shows it); adding a template
 * is a new file plus a line here, and `queueEmail` then type-checks its data.
 */
export const EMAIL_TEMPLATES = {
  invitation: invitationTemplate,
  "password-reset": passwordResetTemplate,
  "email-change": emailChangeTemplate,
  "endpoint-failing": endpointFailingTemplate,
  "endpoint-disabling-soon": endpointDisablingSoonTemplate,
  "endpoint-disabled": endpointDisabledTemplate,
  "endpoint-recovered": endpointRecoveredTemplate,
} as const;

export type EmailTemplateName = keyof typeof EMAIL_TEMPLATES;
/** The data a template takes, as the caller passes it (dates may be Date objects or ISO strings). */
export type EmailTemplateData<N extends EmailTemplateName> = z.input<(typeof EMAIL_TEMPLATES)[N]["schema"]>;

export const EMAIL_TEMPLATE_NAMES = Object.keys(EMAIL_TEMPLATES) as EmailTemplateName[];
