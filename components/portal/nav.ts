import { Bell, BookOpen, Braces, CreditCard, History, KeyRound, Mail, Plug, RadioTower, ScrollText, Settings, ShieldCheck, Users, Webhook, type LucideIcon } from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  children?: NavItem[];
  adminOnly?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  {
    href: "/webhooks",
    label: "Webhooks",
    icon: Webhook,
    children: [{ href: "/webhooks/logs", label: "Logs", icon: ScrollText }],
  },
  { href: "/events", label: "Event catalog", icon: BookOpen },
  {
    href: "/api-keys",
    label: "API keys",
    icon: KeyRound,
    children: [{ href: "/api-docs", label: "API reference", icon: Braces }],
  },
  { href: "/billing", label: "Billing", icon: CreditCard },
  {
    href: "/settings",
    label: "Settings",
    icon: Settings,
    children: [
      { href: "/settings/members", label: "Members", icon: Users },
      { href: "/settings/notifications", label: "Notifications", icon: Bell },
      { href: "/settings/audit-log", label: "Audit log", icon: History },
    ],
  },
  {
    href: "/admin",
    label: "Admin",
    icon: ShieldCheck,
    adminOnly: true,
    children: [
      { href: "/admin/logs", label: "All deliveries", icon: ScrollText },
      { href: "/admin/emails", label: "Emails", icon: Mail },
      { href: "/admin/operational-webhooks", label: "Operational webhooks", icon: RadioTower },
      { href: "/admin/platform-api", label: "Platform API", icon: Plug },
      { href: "/admin/audit-log", label: "Audit log", icon: History },
    ],
  },
];

/** The most specific nav entry that contains `pathname`, so /webhooks/logs lights Logs and not Webhooks. */
export function activeHref(pathname: string, items: NavItem[]): string | undefined {
  const all = items.flatMap((i) => [i, ...(i.children ?? [])]);
  return all
    .filter((i) => pathname === i.href || pathname.startsWith(`${i.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
}
