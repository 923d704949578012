"use client";

import { Tabs as TabsPrimitive } from "radix-ui";
import { CopyButton } from "@/components/ui/copy-button";
import { verifySnippets } from "@/lib/endpoints/verify-snippets";
import { ed25519VerifySnippets } from "@/lib/endpoints/verify-snippets-ed25519";

/**
 * "Verify our signature" in Node, Python and Go: keyboard-operable tabs (arrow keys) with a copy button each. `brand`
 * names the `X-<Brand>-Signature` header the v1 snippets also check; `scheme` v1a shows the ed25519 (public key)
 * snippets instead.
 */
export function VerifySnippet({ brand, scheme = "v1" }: { brand: string; scheme?: "v1" | "v1a" }) {
  const snippets = scheme === "v1a" ? ed25519VerifySnippets() : verifySnippets(brand);
  return (
    <TabsPrimitive.Root defaultValue="node">
      <TabsPrimitive.List aria-label="Language" className="mb-3 inline-flex rounded-md border bg-muted p-1">
        {snippets.map((s) => (
          <TabsPrimitive.Trigger
            key={s.id}
            value={s.id}
            className="rounded px-3 py-1 text-sm font-medium text-muted-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring data-[state=active]:bg-card data-[state=active]:text-foreground data-[state=active]:shadow-sm"
          >
            {s.label}
          </TabsPrimitive.Trigger>
        ))}
      </TabsPrimitive.List>
      {snippets.map((s) => (
        <TabsPrimitive.Content key={s.id} value={s.id} className="relative focus-visible:outline-none">
          <div className="absolute top-2 right-2">
            <CopyButton value={s.code} label={`Copy ${s.label} example`} />
          </div>
          <pre className="max-h-96 overflow-auto rounded-md border bg-slate-950 p-4 pr-12 text-[13px] leading-relaxed text-slate-100">
            <code>{s.code}</code>
          </pre>
        </TabsPrimitive.Content>
      ))}
    </TabsPrimitive.Root>
  );
}
