"use client";

import { useSyncExternalStore } from "react";
import { Toast as ToastPrimitive } from "radix-ui";
import { CheckCircle2, Info, X, XCircle } from "lucide-react";
import type { LucideIcon } from "lucide-react";

import { cn } from "@/components/ui/cn";

export type ToastVariant = "success" | "error" | "info";

export type ToastItem = {
  id: string;
  variant: ToastVariant;
  title: string;
  description?: string;
};

const TOAST_DURATION_MS = 5000;
const MAX_TOASTS = 5;

const EMPTY: readonly ToastItem[] = [];
let items: readonly ToastItem[] = EMPTY;
let nextId = 0;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function getSnapshot() {
  return items;
}

function getServerSnapshot() {
  return EMPTY;
}

function push(variant: ToastVariant, title: string, description?: string): string {
  nextId += 1;
  const id = `toast-${nextId}`;
  items = [...items, { id, variant, title, description }].slice(-MAX_TOASTS);
  emit();
  return id;
}

function dismiss(id: string) {
  if (!items.some((item) => item.id === id)) return;
  items = items.filter((item) => item.id !== id);
  emit();
}

export const toast = {
  success: (title: string, description?: string) => push("success", title, description),
  error: (title: string, description?: string) => push("error", title, description),
  info: (title: string, description?: string) => push("info", title, description),
  dismiss,
};

const variantStyles: Record<ToastVariant, { icon: LucideIcon; root: string; iconClass: string }> = {
  success: { icon: CheckCircle2, root: "border-success/50", iconClass: "text-success" },
  error: { icon: XCircle, root: "border-destructive/50", iconClass: "text-destructive" },
  info: { icon: Info, root: "border-border", iconClass: "text-muted-foreground" },
};

export function Toaster() {
  const toasts = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);

  return (
    <ToastPrimitive.Provider duration={TOAST_DURATION_MS} swipeDirection="right">
      {toasts.map((item) => {
        const style = variantStyles[item.variant];
        const Icon = style.icon;
        return (
          <ToastPrimitive.Root
            key={item.id}
            data-testid="toast"
            data-variant={item.variant}
            // Errors interrupt screen readers (assertive); the rest wait their turn (polite).
            type={item.variant === "error" ? "foreground" : "background"}
            onOpenChange={(open) => {
              if (!open) dismiss(item.id);
            }}
            className={cn(
              "group pointer-events-auto relative flex w-full items-start gap-3 overflow-hidden rounded-lg border bg-background p-4 pr-10 text-foreground shadow-lg",
              "transition-[opacity,translate] duration-200 starting:translate-y-2 starting:opacity-0",
              "data-[swipe=move]:translate-x-(--radix-toast-swipe-move-x) data-[swipe=move]:transition-none",
              "data-[swipe=cancel]:translate-x-0 data-[swipe=end]:translate-x-(--radix-toast-swipe-end-x)",
              style.root,
            )}
          >
            <Icon className={cn("mt-0.5 size-5 shrink-0", style.iconClass)} aria-hidden="true" />
            <div className="grid min-w-0 flex-1 gap-1">
              <ToastPrimitive.Title className="text-sm font-semibold">{item.title}</ToastPrimitive.Title>
              {item.description ? (
                <ToastPrimitive.Description className="text-sm text-muted-foreground">
                  {item.description}
                </ToastPrimitive.Description>
              ) : null}
            </div>
            <ToastPrimitive.Close
              aria-label="Dismiss"
              className={cn(
                "absolute right-2 top-2 cursor-pointer rounded-md p-1 text-muted-foreground transition-colors hover:bg-accent hover:text-foreground",
                "focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring",
              )}
            >
              <X className="size-4" aria-hidden="true" />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        );
      })}
      {/* Top on phones (a form's buttons sit at the bottom of the screen there), bottom right from 640 px. */}
      <ToastPrimitive.Viewport className="fixed top-0 right-0 z-[100] m-0 flex max-h-screen w-full max-w-sm list-none flex-col gap-2 p-4 outline-hidden sm:top-auto sm:bottom-0" />
    </ToastPrimitive.Provider>
  );
}
