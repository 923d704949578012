"use client";

import { useSyncExternalStore } from "react";
import { toast as sonner, Toaster as SonnerToaster } from "sonner";
import { CheckCircle2, Info, X, XCircle } from "lucide-react";

export type ToastVariant = "success" | "error" | "info";

const TOAST_DURATION_MS = 5000;
/** More than two at once is noise: older ones stack behind the newest two. */
export const MAX_VISIBLE_TOASTS = 2;

function push(variant: ToastVariant, title: string, description?: string): string | number {
  // Errors stay a little longer: they usually ask for something to be done.
  const duration = variant === "error" ? TOAST_DURATION_MS * 1.6 : TOAST_DURATION_MS;
  return sonner[variant](title, { description, duration, testId: "toast" });
}

/** The portal's toasts (sonner underneath): `toast.success("Endpoint saved")`, `toast.error(title, detail)`. */
export const toast = {
  success: (title: string, description?: string) => push("success", title, description),
  error: (title: string, description?: string) => push("error", title, description),
  info: (title: string, description?: string) => push("info", title, description),
  dismiss: (id?: string | number) => sonner.dismiss(id),
};

const NARROW = "(max-width: 639px)";
const subscribeNarrow = (listener: () => void) => {
  const query = window.matchMedia(NARROW);
  query.addEventListener("change", listener);
  return () => query.removeEventListener("change", listener);
};

/**
 * Where toasts appear: at the top on phones (a form's buttons sit at the bottom of the screen there), bottom right from
 * 640 px (beside the content column, whose buttons are on its left). Styled with the theme's colours, so they follow
 * dark mode.
 */
export function Toaster() {
  const narrow = useSyncExternalStore(
    subscribeNarrow,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
  return (
    <SonnerToaster
      position={narrow ? "top-center" : "bottom-right"}
      visibleToasts={MAX_VISIBLE_TOASTS}
      closeButton
      containerAriaLabel="Notifications"
      // Sonner sets its own system font on the stack; the portal's font instead.
      style={{ fontFamily: "var(--font-inter), ui-sans-serif, system-ui, sans-serif" }}
      offset={16}
      mobileOffset={12}
      icons={{
        success: <CheckCircle2 className="size-5 text-success" aria-hidden="true" />,
        error: <XCircle className="size-5 text-destructive" aria-hidden="true" />,
        info: <Info className="size-5 text-muted-foreground" aria-hidden="true" />,
        close: <X className="size-3.5" aria-hidden="true" />,
      }}
      toastOptions={{
        unstyled: true,
        closeButtonAriaLabel: "Dismiss",
        classNames: {
          toast:
            "group pointer-events-auto flex w-full items-start gap-3 rounded-lg border bg-popover p-4 pr-9 text-popover-foreground shadow-lg sm:w-(--width)",
          success: "border-success/50",
          error: "border-destructive/50",
          info: "border-border",
          content: "grid min-w-0 flex-1 gap-1",
          icon: "mt-0.5 shrink-0",
          title: "text-sm font-semibold",
          description: "text-sm text-muted-foreground",
          closeButton:
            "absolute! top-2! right-2! left-auto! flex size-6 cursor-pointer items-center justify-center rounded-md text-muted-foreground transition-colors hover:bg-accent hover:text-foreground focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring",
        },
      }}
    />
  );
}
