"use client";

import { Eye, Pencil, Plus, RotateCw, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import {
  createOperationalWebhookAction,
  deleteOperationalWebhookAction,
  revealOperationalSecretAction,
  rotateOperationalSecretAction,
  updateOperationalWebhookAction,
} from "@/app/(portal)/admin/operational-webhooks/actions";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";

export interface OperationalEventChoice {
  type: string;
  description: string;
}

/** What the form edits: an operational webhook's settings (its secret is never part of it). */
export interface OperationalWebhookFields {
  id: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  timeoutSeconds: number;
  maxRetries: number;
  active: boolean;
  alertEmails: string[];
}

type FieldErrors = Record<string, string[]>;

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="text-sm text-destructive" data-testid="field-error">
      {errors[0]}
    </p>
  );
}

/** The shown-once secret after creating or rotating, with a copy button. */
function SecretOnce({ secret, note }: { secret: string; note: string }) {
  return (
    <div className="space-y-2 rounded-md border bg-muted/40 p-3" data-testid="operational-secret">
      <p className="text-sm">{note}</p>
      <div className="flex items-center gap-2">
        <code className="min-w-0 flex-1 break-all font-mono text-xs">{secret}</code>
        <CopyButton value={secret} label="Copy secret" />
      </div>
    </div>
  );
}

/** Create (no `endpoint`) or edit an operational webhook, in a dialog. */
export function OperationalWebhookDialog({ events, endpoint }: { events: OperationalEventChoice[]; endpoint?: OperationalWebhookFields }) {
  const router = useRouter();
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [createdSecret, setCreatedSecret] = useState<string>();
  const [url, setUrl] = useState(endpoint?.url ?? "");
  const [description, setDescription] = useState(endpoint?.description ?? "");
  const [allEvents, setAllEvents] = useState(endpoint ? endpoint.eventTypes === null : true);
  const [selected, setSelected] = useState<Set<string>>(new Set(endpoint?.eventTypes ?? []));
  const [secret, setSecret] = useState("");
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(endpoint?.timeoutSeconds ?? 30));
  const [maxRetries, setMaxRetries] = useState(String(endpoint?.maxRetries ?? 5));
  const [alertEmails, setAlertEmails] = useState((endpoint?.alertEmails ?? []).join("\n"));
  const [active, setActive] = useState(endpoint?.active ?? true);

  const id = (name: string) => `${uid}-${name}`;
  const describedBy = (name: string) => (errors[name]?.length ? `${id(name)}-error` : undefined);

  function reset() {
    setErrors({});
    setFormError(undefined);
    setCreatedSecret(undefined);
    if (!endpoint) {
      setUrl("");
      setDescription("");
      setAllEvents(true);
      setSelected(new Set());
      setSecret("");
      setAlertEmails("");
      setActive(true);
    }
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      ...(endpoint ? { id: endpoint.id } : { secret }),
      url,
      description,
      eventTypes: allEvents ? "all" : events.map((e) => e.type).filter((t) => selected.has(t)),
      timeoutSeconds,
      maxRetries,
      alertEmails,
      active,
    };
    startTransition(async () => {
      const result = endpoint ? await updateOperationalWebhookAction(input) : await createOperationalWebhookAction(input);
      if (!result.ok) {
        setErrors(result.error.fieldErrors ?? {});
        setFormError(result.error.fieldErrors ? "Please correct the highlighted fields." : result.error.message);
        return;
      }
      setErrors({});
      setFormError(undefined);
      router.refresh();
      if (!endpoint && "secret" in result.data && typeof result.data.secret === "string") {
        setCreatedSecret(result.data.secret);
        toast.success("Operational webhook registered");
        return;
      }
      toast.success("Operational webhook saved");
      setOpen(false);
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) reset();
      }}
    >
      <DialogTrigger asChild>
        {endpoint ? (
          <Button variant="outline" size="sm">
            <Pencil className="size-4" aria-hidden />
            Edit
          </Button>
        ) : (
          <Button>
            <Plus className="size-4" aria-hidden />
            Add operational webhook
          </Button>
        )}
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{endpoint ? "Edit operational webhook" : "Add operational webhook"}</DialogTitle>
          <DialogDescription>
            Herald POSTs the chosen events about every partner&apos;s endpoints here, signed like partners&apos; webhooks.
          </DialogDescription>
        </DialogHeader>
        {createdSecret ? (
          <div className="space-y-4">
            <SecretOnce secret={createdSecret} note="Registered. Verify every request with this signing secret (you can reveal it again later)." />
            <Button onClick={() => setOpen(false)}>Done</Button>
          </div>
        ) : (
          <form onSubmit={submit} noValidate className="space-y-4" aria-label={endpoint ? "Edit operational webhook" : "Add operational webhook"}>
            <div className="space-y-1.5">
              <Label htmlFor={id("url")}>URL</Label>
              <Input
                id={id("url")}
                type="url"
                placeholder="https://ops.platform.example/herald"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                aria-invalid={errors.url ? true : undefined}
                aria-describedby={describedBy("url")}
              />
              <FieldError id={`${id("url")}-error`} errors={errors.url} />
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={id("description")}>
                Description <span className="font-normal text-muted-foreground">(optional)</span>
              </Label>
              <Input
                id={id("description")}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                aria-invalid={errors.description ? true : undefined}
                aria-describedby={describedBy("description")}
              />
              <FieldError id={`${id("description")}-error`} errors={errors.description} />
            </div>
            {endpoint ? null : (
              <div className="space-y-1.5">
                <Label htmlFor={id("secret")}>
                  Signing secret <span className="font-normal text-muted-foreground">(optional)</span>
                </Label>
                <Input
                  id={id("secret")}
                  placeholder="whsec_... (empty: Herald generates one)"
                  value={secret}
                  autoComplete="off"
                  onChange={(e) => setSecret(e.target.value)}
                  aria-invalid={errors.secret ? true : undefined}
                  aria-describedby={describedBy("secret")}
                  className="font-mono"
                />
                <FieldError id={`${id("secret")}-error`} errors={errors.secret} />
              </div>
            )}
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Events</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name={id("events")} checked={allEvents} onChange={() => setAllEvents(true)} className="accent-primary" />
                All operational events
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name={id("events")}
                  checked={!allEvents}
                  onChange={() => setAllEvents(false)}
                  className="accent-primary"
                  data-invalid={errors.eventTypes ? true : undefined}
                />
                Only the events I choose
              </label>
              {!allEvents ? (
                <div className="grid gap-1.5 rounded-md border p-3 sm:grid-cols-2">
                  {events.map((e) => (
                    <label key={e.type} className="flex items-center gap-2 text-sm" title={e.description}>
                      <input
                        type="checkbox"
                        className="accent-primary"
                        checked={selected.has(e.type)}
                        onChange={(ev) =>
                          setSelected((current) => {
                            const next = new Set(current);
                            if (ev.target.checked) next.add(e.type);
                            else next.delete(e.type);
                            return next;
                          })
                        }
                      />
                      <code className="font-mono text-xs">{e.type}</code>
                    </label>
                  ))}
                </div>
              ) : null}
              <FieldError id={`${id("eventTypes")}-error`} errors={errors.eventTypes} />
            </fieldset>
            <div className="grid gap-4 sm:grid-cols-3">
              <div className="space-y-1.5">
                <Label htmlFor={id("timeoutSeconds")}>Timeout (s)</Label>
                <Input id={id("timeoutSeconds")} type="number" min={1} max={30} value={timeoutSeconds} onChange={(e) => setTimeoutSeconds(e.target.value)} aria-invalid={errors.timeoutSeconds ? true : undefined} aria-describedby={describedBy("timeoutSeconds")} />
                <FieldError id={`${id("timeoutSeconds")}-error`} errors={errors.timeoutSeconds} />
              </div>
              <div className="space-y-1.5">
                <Label htmlFor={id("maxRetries")}>Retries</Label>
                <Input id={id("maxRetries")} type="number" min={0} max={10} value={maxRetries} onChange={(e) => setMaxRetries(e.target.value)} aria-invalid={errors.maxRetries ? true : undefined} aria-describedby={describedBy("maxRetries")} />
                <FieldError id={`${id("maxRetries")}-error`} errors={errors.maxRetries} />
              </div>
              <div className="space-y-1.5">
                <Label htmlFor={id("active")}>Active</Label>
                <div className="flex h-9 items-center">
                  <Switch id={id("active")} checked={active} onCheckedChange={setActive} />
                </div>
              </div>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={id("alertEmails")}>
                Alert emails <span className="font-normal text-muted-foreground">(when this webhook itself fails)</span>
              </Label>
              <textarea
                id={id("alertEmails")}
                rows={2}
                value={alertEmails}
                onChange={(e) => setAlertEmails(e.target.value)}
                placeholder="platform-oncall@example.com"
                className="flex w-full rounded-md border border-input bg-background px-3 py-2 text-base shadow-sm md:text-sm aria-[invalid=true]:border-destructive focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring"
                aria-invalid={errors.alertEmails ? true : undefined}
                aria-describedby={describedBy("alertEmails")}
              />
              <FieldError id={`${id("alertEmails")}-error`} errors={errors.alertEmails} />
            </div>
            {formError ? (
              <p className="text-sm font-medium text-destructive" role="alert" data-testid="form-error-summary">
                {formError}
              </p>
            ) : null}
            <Button type="submit" loading={pending}>
              {endpoint ? "Save" : "Add operational webhook"}
            </Button>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** An operational webhook's controls: Active, reveal and rotate its secret, delete it. */
export function OperationalWebhookControls({ endpoint }: { endpoint: OperationalWebhookFields }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [revealed, setRevealed] = useState<{ secret: string; note: string }>();

  function setActive(active: boolean) {
    startTransition(async () => {
      const result = await updateOperationalWebhookAction({ ...endpoint, eventTypes: endpoint.eventTypes ?? "all", active });
      if (!result.ok) {
        toast.error("Not saved", result.error.message);
        return;
      }
      toast.success(active ? "Operational webhook switched on" : "Operational webhook switched off");
      router.refresh();
    });
  }

  function reveal() {
    startTransition(async () => {
      const result = await revealOperationalSecretAction({ id: endpoint.id });
      if (!result.ok) {
        toast.error("Could not reveal the secret", result.error.message);
        return;
      }
      setRevealed({ secret: result.data.secret, note: "The current signing secret." });
    });
  }

  function rotate() {
    startTransition(async () => {
      const result = await rotateOperationalSecretAction({ id: endpoint.id });
      if (!result.ok) {
        toast.error("Not rotated", result.error.message);
        return;
      }
      setRevealed({ secret: result.data.secret, note: "The new signing secret. The old one keeps signing beside it for 24 hours." });
      toast.success("Secret rotated");
      router.refresh();
    });
  }

  function remove() {
    startTransition(async () => {
      const result = await deleteOperationalWebhookAction({ id: endpoint.id });
      if (!result.ok) {
        toast.error("Not deleted", result.error.message);
        return;
      }
      toast.success("Operational webhook deleted");
      router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <label className="mr-2 flex items-center gap-2 text-sm">
          <Switch checked={endpoint.active} onCheckedChange={setActive} disabled={pending} aria-label="Active" />
          {endpoint.active ? "Active" : "Off"}
        </label>
        <Button variant="outline" size="sm" onClick={reveal} disabled={pending}>
          <Eye className="size-4" aria-hidden />
          Reveal secret
        </Button>
        <ConfirmButton
          title="Rotate the signing secret?"
          description="Herald signs with a new secret from now on; the old one keeps signing beside it for 24 hours, so the receiver can move over."
          confirmLabel="Rotate"
          onConfirm={rotate}
          triggerVariant="outline"
          triggerSize="sm"
          loading={pending}
        >
          <RotateCw className="size-4" aria-hidden />
          Rotate secret
        </ConfirmButton>
        <ConfirmButton
          title="Delete this operational webhook?"
          description={`Herald stops sending to ${endpoint.url}. Its past deliveries stay readable under All deliveries.`}
          confirmLabel="Delete"
          onConfirm={remove}
          destructive
          triggerSize="sm"
          loading={pending}
        >
          <Trash2 className="size-4" aria-hidden />
          Delete
        </ConfirmButton>
      </div>
      {revealed ? <SecretOnce secret={revealed.secret} note={revealed.note} /> : null}
    </div>
  );
}
