import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import { cookies, headers } from "next/headers";
import { StyleNonce } from "@/components/style-nonce";
import { Toaster } from "@/components/ui/toast";
import { TooltipProvider } from "@/components/ui/tooltip";
import { cn } from "@/components/ui/cn";
import { parseTheme, THEME_COOKIE, themeClass } from "@/lib/theme";
import "./globals.css";

// Inter ships inside the repository (from @fontsource-variable/inter): no font request leaves the machine.
const inter = localFont({
  src: "./fonts/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  weight: "100 900",
  display: "swap",
});

export const metadata: Metadata = {
  title: { default: "Herald", template: "%s · Herald" },
  description: "Outbound webhooks for your partners: signed, retried, and logged.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#4338ca" },
    { media: "(prefers-color-scheme: dark)", color: "#1e1b4b" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry this request's CSP nonce (proxy.ts), which a page prerendered
  // at build time could not have. Reading the request's headers opts the whole app into dynamic rendering.
  await headers();
  // The theme comes from a cookie, so the first paint is already right (no script swaps it after load).
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={cn(inter.variable, themeClass(theme))} data-theme-choice={theme}>
      <body className="min-h-dvh font-sans">
        <TooltipProvider delayDuration={300}>{children}</TooltipProvider>
        <Toaster />
        <StyleNonce />
      </body>
    </html>
  );
}
