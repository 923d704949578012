"use client";

import { useEffect, useState } from "react";
import { Check, Copy } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { toast } from "@/components/ui/toast";

const RESET_AFTER_MS = 2000;

export type CopyButtonProps = {
  value: string;
  label?: string;
  className?: string;
  /** Called once the value is on the clipboard. */
  onCopied?: () => void;
};

export function CopyButton({ value, label = "Copy", className, onCopied }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), RESET_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function handleCopy() {
    try {
      // navigator.clipboard is undefined outside secure contexts; the resulting TypeError lands in catch.
      await navigator.clipboard.writeText(value);
      setCopied(true);
      onCopied?.();
      toast.success("Copied to clipboard");
    } catch {
      toast.error("Could not copy to clipboard", "Your browser blocked clipboard access. Copy the value manually.");
    }
  }

  return (
    <Button
      type="button"
      variant="ghost"
      size="icon"
      aria-label={label}
      className={cn("size-8 text-muted-foreground hover:text-foreground", className)}
      onClick={() => void handleCopy()}
    >
      {copied ? <Check className="text-success" aria-hidden="true" /> : <Copy aria-hidden="true" />}
    </Button>
  );
}
