"use client";

import { Plug, Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { createPlatformKeyAction, revokePlatformKeyAction } from "@/app/(portal)/admin/platform-api/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { Time } from "@/components/time/time";
import type { PlatformKeyView } from "@/lib/platform/keys";

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
      description="Your platform's requests with this key are refused at once, for every organization. This cannot be undone."
      confirmLabel="Revoke key"
      onConfirm={() =>
        startTransition(async () => {
          const result = await revokePlatformKeyAction({ id });
          if (!result.ok) toast.error("Not revoked", result.error.message);
          else {
            toast.success("Platform key revoked");
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
 * Admin -> Platform API: create (shown once, with a confirmation before closing without copying), list (last use,
 * revoked ones greyed) and revoke platform keys.
 */
export function PlatformKeysManager({ keys }: { keys: PlatformKeyView[] }) {
  const router = useRouter();
  const nameId = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  const [copied, setCopied] = useState(false);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await createPlatformKeyAction({ name });
      if (!result.ok) {
        setError(result.error.fieldErrors?.name?.[0] ?? result.error.message);
        return;
      }
      setError(undefined);
      setCreated(result.data.key);
      toast.success("Platform key created");
      router.refresh();
    });
  }

  function reset() {
    setOpen(false);
    setName("");
    setCreated(undefined);
    setCopied(false);
    setConfirmingClose(false);
    setError(undefined);
  }

  function onOpenChange(next: boolean) {
    if (next) {
      setOpen(true);
      return;
    }
    // The key is never shown again: closing before copying it asks first.
    if (created && !copied && !confirmingClose) {
      setConfirmingClose(true);
      return;
    }
    reset();
  }

  const createButton = (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus className="size-4" aria-hidden />
          Create platform key
        </Button>
      </DialogTrigger>
      <DialogContent>
        {created ? (
          confirmingClose ? (
            <div data-testid="confirm-close-key">
              <DialogHeader>
                <DialogTitle>Close without copying the key?</DialogTitle>
                <DialogDescription>
                  You have not copied it, and Herald never shows it again. Without it you will have to create another key.
                </DialogDescription>
              </DialogHeader>
              <DialogFooter className="mt-4">
                <Button variant="outline" onClick={() => setConfirmingClose(false)}>
                  Back to the key
                </Button>
                <Button variant="destructive" onClick={reset}>
                  Close without copying
                </Button>
              </DialogFooter>
            </div>
          ) : (
            <>
              <DialogHeader>
                <DialogTitle>Copy your new platform key</DialogTitle>
                <DialogDescription>
                  This is the only time it is shown. It acts on every organization: store it in your platform&apos;s secrets manager.
                </DialogDescription>
              </DialogHeader>
              <div className="flex items-center gap-2">
                <code className="min-w-0 flex-1 break-all rounded-md border bg-muted px-3 py-2 font-mono text-sm" data-testid="new-platform-key">
                  {created}
                </code>
                <span onClickCapture={() => setCopied(true)}>
                  <CopyButton value={created} label="Copy platform key" />
                </span>
              </div>
              <DialogFooter>
                <Button onClick={() => onOpenChange(false)}>Done</Button>
              </DialogFooter>
            </>
          )
        ) : (
          <form onSubmit={submit} noValidate className="space-y-4">
            <DialogHeader>
              <DialogTitle>Create platform key</DialogTitle>
              <DialogDescription>For your platform&apos;s backend: it creates organizations and publishes events for any of them.</DialogDescription>
            </DialogHeader>
            <div className="space-y-1.5">
              <Label htmlFor={nameId}>Name</Label>
              <Input
                id={nameId}
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Platform backend (production)"
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
  );

  return (
    <div className="space-y-4">
      {keys.length === 0 ? (
        <EmptyState
          icon={Plug}
          title="No platform keys yet"
          description="Create a key for your platform's backend to provision organizations and publish events for them with /api/platform/v1."
          action={createButton}
        />
      ) : (
        <>
          <div className="flex justify-end">{createButton}</div>
          <div className="overflow-x-auto rounded-lg border bg-card">
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
                  <TableRow key={k.id} data-testid="platform-key-row" data-revoked={k.revokedAt ? "true" : undefined} className={k.revokedAt ? "opacity-60" : undefined}>
                    <TableCell className="font-medium">
                      <span className={k.revokedAt ? "text-muted-foreground line-through" : undefined}>{k.name}</span>
                    </TableCell>
                    <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                    <TableCell className="text-muted-foreground">
                      <Time value={k.createdAt} />
                    </TableCell>
                    <TableCell className="text-muted-foreground">{k.lastUsedAt ? <Time value={k.lastUsedAt} relative /> : "Never"}</TableCell>
                    <TableCell className="text-right">
                      {k.revokedAt ? (
                        <Badge variant="secondary">
                          Revoked <Time value={k.revokedAt} relative />
                        </Badge>
                      ) : (
                        <RevokeKey id={k.id} name={k.name} />
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </>
      )}
    </div>
  );
}
