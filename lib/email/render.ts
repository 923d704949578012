import { env } from "@/lib/env";
import type { RenderedEmail } from "./templates/layout";
import { EMAIL_TEMPLATES, type EmailTemplateData, type EmailTemplateName } from "./templates";

/** Renders a template with APP_NAME and APP_URL; throws (a programming error) when the data does not fit it. */
export function renderEmail<N extends EmailTemplateName>(template: N, data: EmailTemplateData<N>): RenderedEmail {
  const definition = EMAIL_TEMPLATES[template];
  if (!definition) throw new Error(`unknown email template ${String(template)}`);
  const parsed = definition.schema.parse(data);
  // Each template's render takes its own schema's output; the registry's union type cannot say that by itself.
  return (definition.render as (d: unknown, b: typeof brand) => RenderedEmail)(parsed, brand);
}

const brand = { appName: env.email.appName, appUrl: env.email.appUrl };
