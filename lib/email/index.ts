/**
 * Email: a durable outbox. `queueEmail` renders a template, stores the email and starts its run on the delivery
 * engine (sent through SMTP_URL with retries), or keeps it when SMTP_URL is unset. See README "Email".
 */
export { queueEmail, resendEmail, type EmailWriter, type QueueEmailInput } from "./queue";
export { EMAIL_TEMPLATES, EMAIL_TEMPLATE_NAMES, type EmailTemplateData, type EmailTemplateName } from "./templates";
export { renderEmail } from "./render";
export { smtpConfigured } from "./transport";
