"use client";

import { KeyRound, Plus, Trash2 } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/(portal)/api-keys/actions";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Switch } from "@/components/ui/switch";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { Time } from "@/components/time/time";
import type { ApiKeyView } from "@/lib/api-keys";


function RevokeKey({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      destructive
      triggerVariant="outline"
      triggerSize="sm"
      loading={pending}
      title={`Revoke "${name}"?`}
      description="Requests with this key are refused at once. This cannot be undone."
      confirmLabel="Revoke key"
      onConfirm={() =>
        startTransition(async () => {
          const result = await revokeApiKeyAction({ id });
          if (!result.ok) toast.error("Not revoked", result.error.message);
          else {
            toast.success("API key revoked");
            router.refresh();
          }
        })
      }
    >
      <Trash2 className="size-4" aria-hidden />
      Revoke
    </ConfirmButton>
  );
}

/**
 * Create (shown once), list and revoke the organization's API keys. Without `canCreate` (a plan without the API),
 * keys made before a downgrade can still be revoked.
 */
export function ApiKeysManager({
  keys,
  canCreate = true,
  showRevoked = false,
  revokedCount = 0,
}: {
  keys: ApiKeyView[];
  canCreate?: boolean;
  /** Whether revoked keys are listed (greyed, with who revoked them and when): the "Show revoked" filter, in the URL. */
  showRevoked?: boolean;
  revokedCount?: number;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const nameId = useId();
  const revokedSwitchId = useId();
  /** Whether the new key was copied: closing the show-once dialog without copying asks first. */
  const [copied, setCopied] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await createApiKeyAction({ name });
      if (!result.ok) {
        setError(result.error.fieldErrors?.name?.[0] ?? result.error.message);
        return;
      }
      setError(undefined);
      setCopied(false);
      setCreated(result.data.key);
      router.refresh();
    });
  }

  function onOpenChange(next: boolean) {
    // The key is shown once: closing before it was copied asks for a confirmation instead.
    if (!next && created && !copied) {
      setConfirmClose(true);
      return;
    }
    setOpen(next);
    if (!next) {
      setName("");
      setCreated(undefined);
      setError(undefined);
    }
  }

  return (
    <div className="space-y-4">
      {canCreate ? (
        <div className="flex justify-end">
          <Dialog open={open} onOpenChange={onOpenChange}>
            <DialogTrigger asChild>
              <Button>
                <Plus className="size-4" aria-hidden />
                Create API key
              </Button>
            </DialogTrigger>
            <DialogContent>
              {created ? (
                <>
                  <DialogHeader>
                    <DialogTitle>Copy your new key</DialogTitle>
                    <DialogDescription>This is the only time it is shown. Store it in your secrets manager.</DialogDescription>
                  </DialogHeader>
                  <div className="flex items-center gap-2">
                    <code className="min-w-0 flex-1 break-all rounded-md border bg-muted px-3 py-2 font-mono text-sm" data-testid="new-api-key">
                      {created}
                    </code>
                    <CopyButton value={created} label="Copy API key" onCopied={() => setCopied(true)} />
                  </div>
                  <DialogFooter>
                    <Button onClick={() => onOpenChange(false)}>Done</Button>
                  </DialogFooter>
                </>
              ) : (
                <form onSubmit={submit} noValidate className="space-y-4">
                  <DialogHeader>
                    <DialogTitle>Create API key</DialogTitle>
                    <DialogDescription>Keys publish events and read them through Herald&apos;s API for this organization.</DialogDescription>
                  </DialogHeader>
                  <div className="space-y-1.5">
                    <Label htmlFor={nameId}>Name</Label>
                    <Input
                      id={nameId}
                      value={name}
                      onChange={(e) => setName(e.target.value)}
                      placeholder="Verification backend"
                      autoFocus
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? `${nameId}-error` : undefined}
                    />
                    {error ? (
                      <p id={`${nameId}-error`} className="text-sm text-destructive" data-testid="field-error">
                        {error}
                      </p>
                    ) : null}
                  </div>
                  <DialogFooter>
                    <Button type="submit" loading={pending}>
                      Create key
                    </Button>
                  </DialogFooter>
                </form>
              )}
            </DialogContent>
          </Dialog>
          <AlertDialog open={confirmClose} onOpenChange={setConfirmClose}>
            <AlertDialogContent data-testid="confirm-close-key">
              <AlertDialogHeader>
                <AlertDialogTitle>Close without copying the key?</AlertDialogTitle>
                <AlertDialogDescription>
                  You have not copied it, and it is never shown again: closing means revoking it and creating another if you
                  need it.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Keep it open</AlertDialogCancel>
                <AlertDialogAction
                  variant="destructive"
                  onClick={() => {
                    setConfirmClose(false);
                    setCopied(false);
                    setCreated(undefined);
                    setName("");
                    setError(undefined);
                    setOpen(false);
                  }}
                >
                  Close without copying
                </AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </div>
      ) : null}
      {revokedCount > 0 ? (
        <div className="flex items-center gap-2 text-sm">
          <Switch
            id={revokedSwitchId}
            checked={showRevoked}
            onCheckedChange={(next) => router.replace(next ? `${pathname}?revoked=1` : pathname, { scroll: false })}
          />
          <label htmlFor={revokedSwitchId} className="font-medium">
            Show revoked ({revokedCount})
          </label>
        </div>
      ) : null}
      {keys.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title={revokedCount > 0 ? "No active API keys" : "No API keys yet"}
          description="Create a key to publish events from your systems with POST /api/v1/events."
        />
      ) : (
        <div className="rounded-lg border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.map((k) => (
                <TableRow key={k.id} data-testid="api-key-row" data-revoked={k.revokedAt ? "true" : undefined} className={cn(k.revokedAt && "text-muted-foreground")}>
                  <TableCell className={cn("font-medium", k.revokedAt && "line-through decoration-muted-foreground/60")}>{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                  <TableCell className="text-muted-foreground">
                    <Time value={k.createdAt} />
                  </TableCell>
                  <TableCell className="text-muted-foreground">{k.lastUsedAt ? <Time value={k.lastUsedAt} relative /> : "Never"}</TableCell>
                  <TableCell className="text-right">
                    {k.revokedAt ? (
                      <span className="inline-flex flex-col items-end gap-0.5 text-xs" data-testid="revoked-by">
                        <Badge variant="secondary">Revoked</Badge>
                        <span>
                          <Time value={k.revokedAt} />
                          {k.revokedBy ? ` by ${k.revokedBy}` : ""}
                        </span>
                      </span>
                    ) : (
                      <RevokeKey id={k.id} name={k.name} />
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
