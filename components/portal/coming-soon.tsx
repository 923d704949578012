import type { LucideIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";

/** An honest placeholder for a section whose feature is not built yet: says what will be here, shows nothing fake. */
export function ComingSoon({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children: React.ReactNode }) {
  return (
    <section
      aria-labelledby="coming-soon-title"
      className="flex flex-col items-center rounded-xl border border-dashed bg-card px-6 py-16 text-center"
      data-testid="coming-soon"
    >
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-accent text-accent-foreground">
        <Icon className="size-6" aria-hidden />
      </div>
      <Badge variant="outline" className="mb-3">
        Coming soon
      </Badge>
      <h2 id="coming-soon-title" className="text-lg font-semibold">
        {title}
      </h2>
      <div className="mt-2 max-w-md space-y-2 text-sm text-muted-foreground">{children}</div>
    </section>
  );
}
