import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import { headers } from "next/headers";
import { StyleNonce } from "@/components/style-nonce";
import { Toaster } from "@/components/ui/toast";
import { TooltipProvider } from "@/components/ui/tooltip";
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

export const viewport: Viewport = { themeColor: "#4338ca" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry this request's CSP nonce (proxy.ts), which a page prerendered
  // at build time could not have. Reading the request's headers opts the whole app into dynamic rendering.
  await headers();
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-dvh font-sans">
        <TooltipProvider delayDuration={300}>{children}</TooltipProvider>
        <Toaster />
        <StyleNonce />
      </body>
    </html>
  );
}
