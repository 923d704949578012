"use client";

import { Check, ChevronsUpDown } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { switchOrganizationAction } from "@/app/(portal)/actions";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { toast } from "@/components/ui/toast";

export interface SwitcherOrganization {
  id: string;
  name: string;
  role: string;
}

/**
 * The current organization, and for people in several a menu to move to another. The switch happens on the server
 * (it checks the membership); the page then starts over at Webhooks, since ids on the current page belong to the old
 * organization.
 */
export function OrgSwitcher({ current, organizations }: { current: { id: string; name: string }; organizations: SwitcherOrganization[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  if (organizations.length < 2) {
    return (
      <p className="truncate text-xs font-medium text-sidebar-foreground" data-testid="current-org">
        {current.name}
      </p>
    );
  }

  function choose(org: SwitcherOrganization) {
    if (org.id === current.id) return;
    startTransition(async () => {
      const result = await switchOrganizationAction({ organizationId: org.id });
      if (!result.ok) {
        toast.error("Could not switch", result.error.message);
        return;
      }
      toast.success(`Now working in ${org.name}`);
      router.push("/webhooks");
      router.refresh();
    });
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex min-w-0 items-center gap-1 rounded px-1 -mx-1 text-left text-xs font-medium text-sidebar-foreground hover:bg-sidebar-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-300 disabled:opacity-60"
        aria-label={`Organization: ${current.name}. Switch organization`}
        disabled={pending}
        data-testid="org-switcher"
      >
        <span className="truncate" data-testid="current-org">
          {current.name}
        </span>
        <ChevronsUpDown className="size-3.5 shrink-0 opacity-70" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-60">
        <DropdownMenuLabel className="text-xs font-medium text-muted-foreground">Switch organization</DropdownMenuLabel>
        <DropdownMenuSeparator />
        {organizations.map((org) => (
          <DropdownMenuItem key={org.id} onSelect={() => choose(org)} data-testid="org-option">
            <Check className={org.id === current.id ? "size-4" : "size-4 invisible"} aria-hidden />
            <span className="min-w-0 flex-1 truncate">{org.name}</span>
            <span className="text-xs capitalize text-muted-foreground">{org.role}</span>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
