"use client";

import { Eye, EyeOff, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { revealSecretAction, rotateSecretAction } from "@/app/(portal)/webhooks/actions";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toast";
import type { RevealedSecret } from "@/lib/endpoints/operations";

const HIDDEN = "whsec_••••••••••••••••••••••••••••••••";

function formatUtc(iso: string) {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The signing secret: hidden until asked for (it is fetched on Reveal, never rendered into the page), copyable,
 * and rotatable with a 24-hour overlap during which the old secret still signs.
 */
export function SigningSecret({ id, previousSecretExpiresAt }: { id: string; previousSecretExpiresAt: string | null }) {
  const router = useRouter();
  const [revealed, setRevealed] = useState<RevealedSecret>();
  const [visible, setVisible] = useState(false);
  const [pending, startTransition] = useTransition();
  const [rotating, startRotation] = useTransition();

  function reveal() {
    if (revealed) {
      setVisible((v) => !v);
      return;
    }
    startTransition(async () => {
      const result = await revealSecretAction({ id });
      if (!result.ok) {
        toast.error("Could not show the secret", result.error.message);
        return;
      }
      setRevealed(result.data);
      setVisible(true);
    });
  }

  function rotate() {
    startRotation(async () => {
      const result = await rotateSecretAction({ id });
      if (!result.ok) {
        toast.error("Could not rotate the secret", result.error.message);
        return;
      }
      setRevealed(undefined);
      setVisible(false);
      toast.success("Secret rotated", `The previous secret keeps signing until ${formatUtc(result.data.previousSecretExpiresAt)}.`);
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <code
          className="min-w-0 flex-1 truncate rounded-md border bg-muted px-3 py-2 font-mono text-sm"
          data-testid="signing-secret"
          aria-label={visible ? "Signing secret" : "Signing secret (hidden)"}
        >
          {visible && revealed ? revealed.secret : HIDDEN}
        </code>
        <Button type="button" variant="outline" onClick={reveal} loading={pending} aria-pressed={visible}>
          {visible ? <EyeOff className="size-4" aria-hidden /> : <Eye className="size-4" aria-hidden />}
          {visible ? "Hide" : "Reveal"}
        </Button>
        {visible && revealed ? <CopyButton value={revealed.secret} label="Copy signing secret" /> : null}
      </div>
      {previousSecretExpiresAt ? (
        <p className="text-sm text-muted-foreground" data-testid="rotation-overlap">
          The previous secret still signs, alongside this one, until {formatUtc(previousSecretExpiresAt)}.
        </p>
      ) : null}
      <ConfirmButton
        loading={rotating}
        title="Rotate the signing secret?"
        description="Herald generates a new secret. For the next 24 hours every request carries signatures from both the old and the new secret, so you can update your receiver without rejecting anything. After that only the new secret signs."
        confirmLabel="Rotate secret"
        onConfirm={rotate}
      >
        <RefreshCw className="size-4" aria-hidden />
        Rotate secret
      </ConfirmButton>
    </div>
  );
}
