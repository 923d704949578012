"use client";

import { Monitor, Moon, Sun } from "lucide-react";
import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { themeClass, themeCookie, THEMES, type Theme } from "@/lib/theme";

const OPTIONS: Record<Theme, { label: string; icon: typeof Sun }> = {
  light: { label: "Light", icon: Sun },
  dark: { label: "Dark", icon: Moon },
  system: { label: "System", icon: Monitor },
};

/** Applies a theme at once (the class on <html>) and remembers it for this browser (the cookie the server reads). */
export function applyTheme(theme: Theme) {
  const root = document.documentElement;
  root.classList.remove("light", "dark");
  const cls = themeClass(theme);
  if (cls) root.classList.add(cls);
  document.cookie = themeCookie(theme);
}

/**
 * Light / Dark / System, as a radio group of three buttons (arrow keys move between them, as in any radio group).
 * `initial` is what the server rendered with, so the switch shows the right choice before hydration.
 */
export function ThemeSwitch({ initial, className }: { initial: Theme; className?: string }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = THEMES[(THEMES.indexOf(theme) + step + THEMES.length) % THEMES.length] ?? "system";
    choose(next);
    (event.currentTarget.querySelector(`[data-theme="${next}"]`) as HTMLElement | null)?.focus();
  };
  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      data-testid="theme-switch"
      onKeyDown={onKeyDown}
      className={cn("grid grid-cols-3 gap-1 rounded-md bg-sidebar/60 p-1", className)}
    >
      {THEMES.map((value) => {
        const { label, icon: Icon } = OPTIONS[value];
        const checked = value === theme;
        return (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={checked ? 0 : -1}
            data-theme={value}
            onClick={() => choose(value)}
            className={cn(
              "flex cursor-pointer items-center justify-center gap-1 rounded px-1.5 py-1 text-xs font-medium transition-colors",
              "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-300",
              checked ? "bg-sidebar-accent text-white shadow-sm" : "text-sidebar-foreground/75 hover:bg-sidebar-accent/60 hover:text-white",
            )}
          >
            <Icon className="size-3.5 shrink-0" aria-hidden />
            {label}
          </button>
        );
      })}
    </div>
  );
}
