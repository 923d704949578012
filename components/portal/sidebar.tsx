"use client";

import { LogOut, Menu, X } from "lucide-react";
import Image from "next/image";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Dialog as DialogPrimitive } from "radix-ui";
import { useState } from "react";
import { signOutAction } from "@/app/(portal)/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { activeHref, NAV_ITEMS, type NavItem } from "./nav";
import { ThemeSwitch } from "@/components/theme/theme-switch";
import type { Theme } from "@/lib/theme";
import { OrgSwitcher, type SwitcherOrganization } from "./org-switcher";

export interface PortalUser {
  name: string;
  email: string;
  isPlatformAdmin: boolean;
  orgId: string;
  orgName: string;
  plan: string;
  /** Every organization the person belongs to, for the switcher. */
  organizations: SwitcherOrganization[];
  /** The theme this browser chose (its cookie), for the switch. */
  theme: Theme;
}

function NavLinks({ items, onNavigate }: { items: NavItem[]; onNavigate?: () => void }) {
  const pathname = usePathname();
  const active = activeHref(pathname, items);
  const linkClass = (href: string) =>
    cn(
      "flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium transition-colors",
      "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-300",
      href === active ? "bg-sidebar-accent text-white" : "text-sidebar-foreground/75 hover:bg-sidebar-accent/60 hover:text-white",
    );
  return (
    <nav aria-label="Main" className="flex-1 space-y-1 px-3">
      {items.map((item) => (
        <div key={item.href}>
          <Link href={item.href} className={linkClass(item.href)} aria-current={item.href === active ? "page" : undefined} onClick={onNavigate}>
            <item.icon className="size-4" aria-hidden />
            {item.label}
          </Link>
          {item.children?.map((child) => (
            <Link
              key={child.href}
              href={child.href}
              className={cn(linkClass(child.href), "mt-1 ml-6")}
              aria-current={child.href === active ? "page" : undefined}
              onClick={onNavigate}
            >
              <child.icon className="size-4" aria-hidden />
              {child.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}

function SidebarBody({ user, onNavigate }: { user: PortalUser; onNavigate?: () => void }) {
  const items = NAV_ITEMS.filter((i) => !i.adminOnly || user.isPlatformAdmin);
  return (
    <div className="flex h-full flex-col gap-6 overflow-y-auto bg-sidebar py-5 text-sidebar-foreground">
      <Link href="/webhooks" className="flex items-center gap-2.5 px-6" onClick={onNavigate}>
        <Image src="/logo.svg" alt="" width={28} height={28} />
        <span className="text-lg font-semibold tracking-tight text-white">Herald</span>
      </Link>
      <NavLinks items={items} onNavigate={onNavigate} />
      <div className="mx-3 space-y-3 rounded-lg bg-sidebar-accent/50 p-3" data-testid="current-user">
        <div className="min-w-0">
          <p className="truncate text-sm font-medium text-white">{user.name}</p>
          <p className="truncate text-xs text-sidebar-foreground/70">{user.email}</p>
        </div>
        <div className="flex items-center justify-between gap-2">
          <OrgSwitcher current={{ id: user.orgId, name: user.orgName }} organizations={user.organizations} />
          <Badge variant="secondary" className="shrink-0 capitalize">
            {user.plan}
          </Badge>
        </div>
        {user.isPlatformAdmin ? <p className="text-xs text-indigo-300">Platform admin</p> : null}
        <ThemeSwitch initial={user.theme} />
        <form action={signOutAction}>
          <Button type="submit" variant="ghost" size="sm" className="w-full justify-start text-sidebar-foreground hover:bg-sidebar-accent hover:text-white">
            <LogOut className="size-4" aria-hidden />
            Sign out
          </Button>
        </form>
      </div>
    </div>
  );
}

/** The portal's navigation: a fixed column on wide screens, a slide-in drawer behind a menu button on narrow ones. */
export function Sidebar({ user }: { user: PortalUser }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 lg:block">
        <SidebarBody user={user} />
      </aside>
      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b bg-sidebar px-4 text-white lg:hidden">
        <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
          <DialogPrimitive.Trigger asChild>
            <Button variant="ghost" size="icon" aria-label="Open menu" className="text-white hover:bg-sidebar-accent hover:text-white">
              <Menu className="size-5" aria-hidden />
            </Button>
          </DialogPrimitive.Trigger>
          <DialogPrimitive.Portal>
            <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-black/50" />
            <DialogPrimitive.Content className="fixed inset-y-0 left-0 z-50 w-72 max-w-[85vw] shadow-xl focus:outline-none">
              <DialogPrimitive.Title className="sr-only">Navigation</DialogPrimitive.Title>
              <DialogPrimitive.Description className="sr-only">Portal sections and your account</DialogPrimitive.Description>
              <SidebarBody user={user} onNavigate={() => setOpen(false)} />
              <DialogPrimitive.Close asChild>
                <Button variant="ghost" size="icon" aria-label="Close menu" className="absolute top-4 right-3 text-white hover:bg-sidebar-accent hover:text-white">
                  <X className="size-5" aria-hidden />
                </Button>
              </DialogPrimitive.Close>
            </DialogPrimitive.Content>
          </DialogPrimitive.Portal>
        </DialogPrimitive.Root>
        <span className="font-semibold">Herald</span>
        <span className="ml-auto truncate text-sm text-sidebar-foreground/80">{user.orgName}</span>
      </header>
    </>
  );
}
