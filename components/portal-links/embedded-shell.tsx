"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { activeHref, type NavItem } from "@/components/portal/nav";
import { cn } from "@/components/ui/cn";
import { BookOpen, ScrollText, Webhook } from "lucide-react";

/** The organization's own pages, the only ones the embedded layout links to. */
const EMBEDDED_NAV: NavItem[] = [
  { href: "/webhooks", label: "Endpoints", icon: Webhook },
  { href: "/webhooks/logs", label: "Logs", icon: ScrollText },
  { href: "/events", label: "Event catalog", icon: BookOpen },
];

/**
 * The portal inside a platform's frame: no sidebar, no account menu, no organization switcher; a row of tabs for
 * the organization's webhook pages. Every link is an in-app link, so navigation stays inside the frame.
 */
export function EmbeddedShell({ orgName, back, children }: { orgName: string; back?: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  const active = activeHref(pathname, EMBEDDED_NAV);
  return (
    <div className="min-h-dvh" data-testid="embedded-portal">
      <header className="border-b bg-background">
        <div className="mx-auto flex w-full max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2 sm:px-6">
          <span className="truncate text-sm font-semibold" data-testid="current-org">
            {orgName}
          </span>
          <nav aria-label="Webhooks" className="flex flex-wrap items-center gap-1">
            {EMBEDDED_NAV.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={item.href === active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                  item.href === active ? "bg-muted text-foreground" : "text-muted-foreground hover:bg-muted/60 hover:text-foreground",
                )}
              >
                <item.icon className="size-4" aria-hidden />
                {item.label}
              </Link>
            ))}
          </nav>
          {back ? <div className="ml-auto">{back}</div> : null}
        </div>
      </header>
      {children}
    </div>
  );
}
