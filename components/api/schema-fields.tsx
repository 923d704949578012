import { Badge } from "@/components/ui/badge";
import { CopyButton } from "@/components/ui/copy-button";

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** A short, readable type for a JSON Schema: "string (date-time)", "one of A | B", "list of object". */
export function typeLabel(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return `one of ${schema.enum.map((v) => String(v)).join(" | ")}`;
  if (schema.anyOf) return schema.anyOf.map(typeLabel).join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  if (type === "array") return `list of ${schema.items ? typeLabel(schema.items) : "any"}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.minLength !== undefined && schema.minLength > 1) out.push(`min ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) out.push(`max ${schema.maxLength} chars`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined) out.push(`at least ${schema.minItems}`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** The fields of an object schema as a table (nested objects and lists of objects are flattened with dots). */
export function SchemaFields({ schema, caption }: { schema: Record<string, unknown>; caption: string }) {
  const rows: { name: string; field: JsonSchema; required: boolean }[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [name, field] of Object.entries(s.properties ?? {})) {
      rows.push({ name: `${prefix}${name}`, field, required: s.required?.includes(name) ?? false });
      if (field.properties) walk(field, `${prefix}${name}.`);
      if (field.items?.properties) walk(field.items, `${prefix}${name}[].`);
    }
  };
  walk(schema as JsonSchema, "");
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No fields.</p>;
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-muted/50 text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Field</th>
            <th scope="col" className="px-3 py-2 font-medium">Type</th>
            <th scope="col" className="min-w-40 px-3 py-2 font-medium">Notes</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {rows.map(({ name, field, required }) => (
            <tr key={name} className="align-top">
              <td className="px-3 py-2 whitespace-nowrap">
                <code className="font-mono text-[13px]">{name}</code>
                {required ? (
                  <Badge variant="outline" className="ml-2">
                    required
                  </Badge>
                ) : null}
              </td>
              <td className="px-3 py-2 font-mono text-[13px] text-muted-foreground">{typeLabel(field)}</td>
              <td className="min-w-40 px-3 py-2 text-muted-foreground">
                {[field.description, ...constraints(field)].filter(Boolean).join(" · ") || "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A block of JSON or shell with a copy button. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="relative">
      <pre aria-label={label} tabIndex={0} className="overflow-auto rounded-md border bg-slate-950 p-4 pr-12 text-[13px] leading-relaxed text-slate-100">
        {code}
      </pre>
      <CopyButton value={code} label={`Copy ${label.toLowerCase()}`} className="absolute top-2 right-2 text-slate-300 hover:bg-slate-800 hover:text-white" />
    </div>
  );
}
