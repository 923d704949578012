/**
 * Light, dark, or whatever the system says. The choice lives in a cookie (per browser, no account needed), so the
 * server renders <html> with the right class and the first paint is already in the chosen theme: no script, no flash.
 * "system" puts no class on <html>; the CSS follows prefers-color-scheme then (app/globals.css).
 */
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = "herald-theme";

/** A year: the choice outlives the session (signing out keeps it). */
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/** The cookie's value as a theme; anything else (missing, hand-edited) is "system". */
export function parseTheme(value: string | undefined | null): Theme {
  return (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";
}

/** The class <html> carries for a theme: none for "system". */
export function themeClass(theme: Theme): string | undefined {
  return theme === "system" ? undefined : theme;
}

/** The Set-Cookie string the switch writes in the browser. */
export function themeCookie(theme: Theme): string {
  return `${THEME_COOKIE}=${theme}; path=/; max-age=${THEME_COOKIE_MAX_AGE}; samesite=lax`;
}
