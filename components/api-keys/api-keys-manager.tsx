"use client";

import { KeyRound, Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/(portal)/api-keys/actions";
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
export function ApiKeysManager({ keys, canCreate = true }: { keys: ApiKeyView[]; canCreate?: boolean }) {
  const router = useRouter();
  const nameId = useId();
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
      setCreated(result.data.key);
      router.refresh();
    });
  }

  function onOpenChange(next: boolean) {
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
                    <CopyButton value={created} label="Copy API key" />
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
        </div>
      ) : null}
      {keys.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title="No API keys yet"
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
                <TableRow key={k.id} data-testid="api-key-row">
                  <TableCell className="font-medium">{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                  <TableCell className="text-muted-foreground">
                    <Time value={k.createdAt} />
                  </TableCell>
                  <TableCell className="text-muted-foreground">{k.lastUsedAt ? <Time value={k.lastUsedAt} relative /> : "Never"}</TableCell>
                  <TableCell className="text-right">
                    <RevokeKey id={k.id} name={k.name} />
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
