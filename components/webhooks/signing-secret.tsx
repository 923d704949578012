"use client";

import { ArrowLeftRight, Eye, EyeOff, KeyRound, RefreshCw, TimerOff } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { endSecretOverlapAction, revealSecretAction, rotateSecretAction, setSignatureSchemeAction } from "@/app/(portal)/webhooks/actions";
import { Time } from "@/components/time/time";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { toast } from "@/components/ui/toast";
import type { RevealedSecret } from "@/lib/endpoints/operations";
import { formatDateTime } from "@/lib/format";
import { DEFAULT_ROTATION_OVERLAP, ROTATION_OVERLAP_LABELS, ROTATION_OVERLAPS, type RotationOverlap } from "@/lib/endpoints/rotation-overlap";
import type { SignatureScheme } from "@/lib/endpoints/secret";

const HIDDEN = "whsec_••••••••••••••••••••••••••••••••";

/** In toasts and text: the one date format (lib/format.ts), in UTC, which it names. */
function formatUtc(iso: string) {
  return formatDateTime(iso);
}

/** The toast after a rotation or switch: when the old credential stops signing, or that it already has. */
function overlapNote(kind: "key" | "secret", expiresAt: string | null, also = false) {
  return expiresAt
    ? `The previous ${kind} keeps signing${also ? " too" : ""} until ${formatUtc(expiresAt)}.`
    : `The previous ${kind} no longer signs.`;
}

/** The overlap choices (now, 1 h, 24 h, 7 days) as radio buttons, inside the rotate and switch dialogs. */
function OverlapChoice({ name, value, onChange, kind }: { name: string; value: RotationOverlap; onChange: (v: RotationOverlap) => void; kind: string }) {
  return (
    <fieldset className="space-y-2" data-testid="overlap-choice">
      <legend className="mb-2 text-sm font-medium text-foreground">How long the old {kind} keeps signing</legend>
      {ROTATION_OVERLAPS.map((overlap) => (
        <label key={overlap} className="flex cursor-pointer items-center gap-2 text-sm text-foreground">
          <input
            type="radio"
            name={name}
            value={overlap}
            checked={value === overlap}
            onChange={() => onChange(overlap)}
            className="size-4 accent-primary"
          />
          {ROTATION_OVERLAP_LABELS[overlap]}
          {overlap === DEFAULT_ROTATION_OVERLAP ? <span className="text-muted-foreground">(recommended)</span> : null}
        </label>
      ))}
    </fieldset>
  );
}

/** A button opening a confirmation that also asks for the overlap. */
function RotateButton({
  id,
  title,
  description,
  confirmLabel,
  kind,
  loading,
  onConfirm,
  children,
}: {
  id: string;
  title: string;
  description: string;
  confirmLabel: string;
  kind: string;
  loading: boolean;
  onConfirm: (overlap: RotationOverlap) => void;
  children: React.ReactNode;
}) {
  const [overlap, setOverlap] = useState<RotationOverlap>(DEFAULT_ROTATION_OVERLAP);
  return (
    <AlertDialog onOpenChange={(open) => open && setOverlap(DEFAULT_ROTATION_OVERLAP)}>
      <AlertDialogTrigger asChild>
        <Button type="button" variant="outline" loading={loading}>
          {children}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{title}</AlertDialogTitle>
          <AlertDialogDescription>{description}</AlertDialogDescription>
        </AlertDialogHeader>
        <OverlapChoice name={`${id}-${confirmLabel}`} value={overlap} onChange={setOverlap} kind={kind} />
        {overlap === "now" ? (
          <p className="text-sm text-destructive" role="status">
            Requests are signed only with the new {kind} from now on: a receiver still holding the old one rejects them until it is updated.
          </p>
        ) : null}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={() => onConfirm(overlap)}>{confirmLabel}</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
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
 * rotate, and switch to the other scheme, with an overlap the owner chooses (now, 1 hour, 24 hours, 7 days) during which
 * the old credential still signs; the overlap can be ended early.
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
  const [ending, startEnding] = useTransition();
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

  function rotate(overlap: RotationOverlap) {
    startRotation(async () => {
      const result = await rotateSecretAction({ id, overlap });
      if (!result.ok) {
        toast.error(asymmetric ? "Could not rotate the key" : "Could not rotate the secret", result.error.message);
        return;
      }
      setRevealed(undefined);
      setVisible(false);
      toast.success(asymmetric ? "Key rotated" : "Secret rotated", overlapNote(asymmetric ? "key" : "secret", result.data.previousSecretExpiresAt));
      router.refresh();
    });
  }

  function endOverlap() {
    startEnding(async () => {
      const result = await endSecretOverlapAction({ id });
      if (!result.ok) {
        toast.error("Could not end the overlap", result.error.message);
        return;
      }
      setRevealed(undefined);
      toast.success("Overlap ended", `Only the current ${asymmetric ? "key" : "secret"} signs now.`);
      router.refresh();
    });
  }

  function switchScheme(overlap: RotationOverlap) {
    startSwitch(async () => {
      const result = await setSignatureSchemeAction({ id, scheme: other, overlap });
      if (!result.ok) {
        toast.error("Could not switch the signing method", result.error.message);
        return;
      }
      setRevealed(undefined);
      setVisible(false);
      toast.success(
        `Now signing with ${SCHEME_LABEL[result.data.signatureScheme]}`,
        overlapNote(asymmetric ? "key" : "secret", result.data.previousSecretExpiresAt, true),
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
            until <Time value={previousSecretExpiresAt} className="font-medium text-foreground" /> (
            <Time value={previousSecretExpiresAt} relative />
            ).
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
        <RotateButton
          id={id}
          loading={rotating}
          kind={asymmetric ? "key" : "secret"}
          title={asymmetric ? "Rotate the signing key?" : "Rotate the signing secret?"}
          description={
            asymmetric
              ? "Herald generates a new ed25519 key pair. While the old key still signs, every request carries signatures from both keys, so you can install the new public key without rejecting anything."
              : "Herald generates a new secret. While the old secret still signs, every request carries signatures from both secrets, so you can update your receiver without rejecting anything."
          }
          confirmLabel={asymmetric ? "Rotate key" : "Rotate secret"}
          onConfirm={rotate}
        >
          <RefreshCw className="size-4" aria-hidden />
          {asymmetric ? "Rotate key" : "Rotate secret"}
        </RotateButton>
        <RotateButton
          id={id}
          kind={asymmetric ? "key" : "secret"}
          loading={switching}
          title={asymmetric ? "Switch to HMAC-SHA256 (v1)?" : "Switch to ed25519 signatures (v1a)?"}
          description={
            asymmetric
              ? "Herald generates a new shared secret (whsec_) and signs with HMAC-SHA256 again. While the old key still signs, every request also carries the ed25519 signature, so your receiver can move over without rejecting anything."
              : `Herald generates an ed25519 key pair and keeps the private key; you verify with the public key (whpk_), so your receiver holds no secret. While the old secret still signs, every request also carries its HMAC signature, so your receiver can move over without rejecting anything. After that ${brandHeader} is no longer sent: it needs a shared secret.`
          }
          confirmLabel={asymmetric ? "Switch to v1" : "Switch to v1a"}
          onConfirm={switchScheme}
        >
          {asymmetric ? <ArrowLeftRight className="size-4" aria-hidden /> : <KeyRound className="size-4" aria-hidden />}
          {asymmetric ? "Switch to HMAC (v1)" : "Switch to ed25519 (v1a)"}
        </RotateButton>
        {previousSecretExpiresAt ? (
          <ConfirmButton
            loading={ending}
            destructive
            triggerVariant="outline"
            title={asymmetric ? "Stop signing with the old key now?" : "Stop signing with the old secret now?"}
            description={`From now on only the current ${asymmetric ? "key" : "secret"} signs. A receiver that still verifies with the old one rejects every request until it is updated. The audit log records this.`}
            confirmLabel="End overlap now"
            onConfirm={endOverlap}
          >
            <TimerOff className="size-4" aria-hidden />
            End overlap now
          </ConfirmButton>
        ) : null}
      </div>
    </div>
  );
}
