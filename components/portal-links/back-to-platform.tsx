import { ArrowLeft } from "lucide-react";
import { cn } from "@/components/ui/cn";

/** "Back to <platform>": the way out of a portal session a magic link opened, to the returnUrl the platform gave. */
export function BackToPlatform({ href, platform, className }: { href: string; platform: string; className?: string }) {
  return (
    <a
      href={href}
      // Out of the portal and, when embedded, out of the frame: the platform's page takes the whole window back.
      target="_top"
      rel="noopener"
      className={cn(
        "inline-flex items-center gap-1.5 rounded-md text-sm font-medium text-primary underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
        className,
      )}
      data-testid="back-to-platform"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Back to {platform}
    </a>
  );
}

/** The name "Back to ..." uses: APP_NAME when set, else the returnUrl's host. */
export function platformLabel(returnUrl: string, platformName: string | undefined): string {
  if (platformName) return platformName;
  try {
    return new URL(returnUrl).host;
  } catch {
    return "the platform";
  }
}
