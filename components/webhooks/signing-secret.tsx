"use client";

import { ArrowLeftRight, Eye, EyeOff, KeyRound, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { revealSecretAction, rotateSecretAction, setSignatureSchemeAction } from "@/app/(portal)/webhooks/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toast";
import type { RevealedSecret } from "@/lib/endpoints/operations";
import { formatDateTime } from "@/lib/format";
import type { SignatureScheme } from "@/lib/endpoints/secret";

const HIDDEN = "whsec_••••••••••••••••••••••••••••••••";

/** In toasts and text: the one date format (lib/format.ts), in UTC, which it names. */
function formatUtc(iso: string) {
  return formatDateTime(iso);
}

const SCHEME_LABEL: Record<SignatureScheme, string> = { v1: "HMAC-SHA256 (v1)", v1a: "ed25519 (v1a)" };

export interface SigningSecretProps {
  id: string;
  /** WEBHOOK_BRAND: names the X-<Brand>-Signature header. */
  brand?: string;
  previousSecretExpiresAt: string | null;
  signatureScheme?: SignatureScheme;
  /** The current `whpk_` public key (v1a). */
  publicKey?: string | null;
  previousSignatureScheme?: SignatureScheme | null;
  previousPublicKey?: string | null;
}

/**
 * How the endpoint signs. v1: the shared secret, hidden until asked for (fetched on Reveal, never rendered into the
 * page). v1a: the ed25519 public key, shown as is (it is not a secret; the private key never leaves Herald). Both
 * rotate, and switch to the other scheme, with a 24-hour overlap during which the old credential still signs.
 */
export function SigningSecret({
  id,
  brand = "Herald",
  previousSecretExpiresAt,
  signatureScheme = "v1",
  publicKey = null,
  previousSignatureScheme = null,
  previousPublicKey = null,
}: SigningSecretProps) {
  const router = useRouter();
  const [revealed, setRevealed] = useState<RevealedSecret>();
  const [visible, setVisible] = useState(false);
  const [pending, startTransition] = useTransition();
  const [rotating, startRotation] = useTransition();
  const [switching, startSwitch] = useTransition();
  const asymmetric = signatureScheme === "v1a";
  const other: SignatureScheme = asymmetric ? "v1" : "v1a";
  const brandHeader = `X-${brand}-Signature`;

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
        toast.error(asymmetric ? "Could not rotate the key" : "Could not rotate the secret", result.error.message);
        return;
      }
      setRevealed(undefined);
      setVisible(false);
      toast.success(
        asymmetric ? "Key rotated" : "Secret rotated",
        `The previous ${asymmetric ? "key" : "secret"} keeps signing until ${formatUtc(result.data.previousSecretExpiresAt)}.`,
      );
      router.refresh();
    });
  }

  function switchScheme() {
    startSwitch(async () => {
      const result = await setSignatureSchemeAction({ id, scheme: other });
      if (!result.ok) {
        toast.error("Could not switch the signing method", result.error.message);
        return;
      }
      setRevealed(undefined);
      setVisible(false);
      toast.success(
        `Now signing with ${SCHEME_LABEL[result.data.signatureScheme]}`,
        `The previous ${asymmetric ? "key" : "secret"} keeps signing too until ${formatUtc(result.data.previousSecretExpiresAt)}.`,
      );
      router.refresh();
    });
  }

  return (
    <div className="space-y-4" data-testid="signing">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-foreground">Signing method</span>
        <Badge variant="outline" data-testid="signature-scheme">
          {SCHEME_LABEL[signatureScheme]}
        </Badge>
      </p>
      {asymmetric ? (
        <div className="space-y-1.5">
          <p className="text-sm font-medium" id={`${id}-public-key`}>
            Public key
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              className="min-w-0 flex-1 break-all rounded-md border bg-muted px-3 py-2 font-mono text-sm"
              data-testid="public-key"
              aria-labelledby={`${id}-public-key`}
            >
              {publicKey}
            </code>
            {publicKey ? <CopyButton value={publicKey} label="Copy public key" /> : null}
          </div>
          <p className="text-xs text-muted-foreground">
            Not a secret: verify signatures with it. Herald keeps the private key; no one else can sign as Herald.
          </p>
        </div>
      ) : (
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
      )}
      {previousSecretExpiresAt ? (
        <div className="space-y-1 text-sm text-muted-foreground" data-testid="rotation-overlap">
          <p>
            {previousSignatureScheme && previousSignatureScheme !== signatureScheme
              ? `The previous ${SCHEME_LABEL[previousSignatureScheme]} ${previousSignatureScheme === "v1a" ? "key" : "secret"} still signs too, so every request carries both signatures,`
              : `The previous ${asymmetric ? "key" : "secret"} still signs, alongside this one,`}{" "}
            until {formatUtc(previousSecretExpiresAt)}.
          </p>
          {previousPublicKey ? (
            <p className="flex flex-wrap items-center gap-2">
              <span>Previous public key:</span>
              <code className="break-all font-mono text-xs" data-testid="previous-public-key">
                {previousPublicKey}
              </code>
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <ConfirmButton
          loading={rotating}
          title={asymmetric ? "Rotate the signing key?" : "Rotate the signing secret?"}
          description={
            asymmetric
              ? "Herald generates a new ed25519 key pair. For the next 24 hours every request carries signatures from both the old and the new key, so you can install the new public key without rejecting anything. After that only the new key signs."
              : "Herald generates a new secret. For the next 24 hours every request carries signatures from both the old and the new secret, so you can update your receiver without rejecting anything. After that only the new secret signs."
          }
          confirmLabel={asymmetric ? "Rotate key" : "Rotate secret"}
          onConfirm={rotate}
        >
          <RefreshCw className="size-4" aria-hidden />
          {asymmetric ? "Rotate key" : "Rotate secret"}
        </ConfirmButton>
        <ConfirmButton
          loading={switching}
          title={asymmetric ? "Switch to HMAC-SHA256 (v1)?" : "Switch to ed25519 signatures (v1a)?"}
          description={
            asymmetric
              ? "Herald generates a new shared secret (whsec_) and signs with HMAC-SHA256 again. For the next 24 hours every request also carries the ed25519 signature, so your receiver can move over without rejecting anything."
              : `Herald generates an ed25519 key pair and keeps the private key; you verify with the public key (whpk_), so your receiver holds no secret. For the next 24 hours every request also carries the HMAC signature of the current secret, so your receiver can move over without rejecting anything. After that ${brandHeader} is no longer sent: it needs a shared secret.`
          }
          confirmLabel={asymmetric ? "Switch to v1" : "Switch to v1a"}
          onConfirm={switchScheme}
        >
          {asymmetric ? <ArrowLeftRight className="size-4" aria-hidden /> : <KeyRound className="size-4" aria-hidden />}
          {asymmetric ? "Switch to HMAC (v1)" : "Switch to ed25519 (v1a)"}
        </ConfirmButton>
      </div>
    </div>
  );
}
