"use client";

import { Plus, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { createEndpointAction, updateEndpointAction } from "@/app/(portal)/webhooks/actions";
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
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";
import type { EventChoice } from "@/lib/events/catalog";
import type { EndpointView } from "@/lib/endpoints/operations";

const MAX_HEADERS = 10;

interface HeaderRow {
  key: string;
  id?: string;
  name: string;
  /** undefined: keep the saved value (shown masked) until the partner presses Replace. */
  value?: string;
  maskedValue?: string;
}

type FieldErrors = Record<string, string[]>;

/** A header row the person added and left empty: dropped on save, not an error. */
const isEmptyRow = (h: HeaderRow) => !h.id && h.name.trim() === "" && (h.value ?? "").trim() === "";

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="text-sm text-destructive" data-testid="field-error">
      {errors[0]}
    </p>
  );
}

/** A labelled whole-number input with a hint and its error, described by both. */
function NumberField(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  value: string;
  onChange: (value: string) => void;
  hint: string;
  errors?: string[];
}) {
  const { id, label, min, max, value, onChange, hint, errors } = props;
  const invalid = Boolean(errors?.length);
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        type="number"
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${id}-error ${id}-hint` : `${id}-hint`}
      />
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {hint}
      </p>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

/** The form's fields in page order, so that the first error named is the first one on the page. */
const FIELD_ORDER = ["", "url", "description", "timeoutSeconds", "maxRetries", "rateLimitPerSecond", "ordered", "active", "eventTypes", "headers", "alertEmails"];

function fieldRank(key: string): number {
  const [head, index, part] = key.split(".");
  const rank = FIELD_ORDER.indexOf(head ?? "");
  // headers.3.value sorts after headers.3.name and before headers.4.name.
  return (rank < 0 ? FIELD_ORDER.length : rank) * 10_000 + (index ? Number(index) * 2 + (part === "value" ? 1 : 0) + 1 : 0);
}

/** "2 fields need attention. Endpoint URL: …": what the summary shows and announces after a refused save. */
function failureSummary(fieldErrors: FieldErrors): string {
  const keys = Object.keys(fieldErrors)
    .filter((k) => fieldErrors[k]?.length)
    .sort((a, b) => fieldRank(a) - fieldRank(b));
  const first = keys[0];
  if (!first) return "The endpoint was not saved.";
  const count = keys.length === 1 ? "1 field needs attention" : `${keys.length} fields need attention`;
  return `${count}: ${fieldErrors[first]![0]}`;
}

let rowCounter = 0;
const nextKey = () => `row-${(rowCounter += 1)}`;

interface EndpointFormProps {
  events: EventChoice[];
  /** The endpoint being edited; absent when creating. */
  endpoint?: EndpointView;
}

/** Create and edit an endpoint. Validation is the server's (the same zod schema the API uses); errors show beside each field. */
export function EndpointForm({ events, endpoint }: EndpointFormProps) {
  const router = useRouter();
  const uid = useId();
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [url, setUrl] = useState(endpoint?.url ?? "");
  const [description, setDescription] = useState(endpoint?.description ?? "");
  const [allEvents, setAllEvents] = useState(endpoint ? endpoint.eventTypes === null : true);
  const [selected, setSelected] = useState<Set<string>>(new Set(endpoint?.eventTypes ?? []));
  const [headers, setHeaders] = useState<HeaderRow[]>(
    endpoint?.headers.map((h) => ({ key: nextKey(), id: h.id, name: h.name, maskedValue: h.maskedValue })) ?? [],
  );
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(endpoint?.timeoutSeconds ?? 30));
  const [maxRetries, setMaxRetries] = useState(String(endpoint?.maxRetries ?? 3));
  const [rateLimit, setRateLimit] = useState(endpoint?.rateLimitPerSecond ? String(endpoint.rateLimitPerSecond) : "");
  const [active, setActive] = useState(true);
  const [ordered, setOrdered] = useState(endpoint?.ordered ?? false);
  const [alertEmails, setAlertEmails] = useState((endpoint?.alertEmails ?? []).join("\n"));
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  /** A row just added with "Add header": its name field takes the focus once it is on the page. */
  const focusRow = useRef<string>(undefined);
  /** Set when the server said another endpoint already uses this URL: the confirmation asks before saving again. */
  const [duplicateWarning, setDuplicateWarning] = useState<string>();
  /** The last refused save: its summary, and a counter so that every refusal moves focus again. */
  const [failure, setFailure] = useState<{ count: number; message: string }>();

  // After a refused save, focus goes to the first invalid field (scrolled into view), or to the summary when the
  // error is not a field's: never to <body>, and never behind a toast.
  useEffect(() => {
    if (!failure) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-invalid="true"]') ?? summaryRef.current;
    first?.scrollIntoView({ block: "center" });
    first?.focus({ preventScroll: true });
  }, [failure]);

  const fieldId = (name: string) => `${uid}-${name.replace(/\./g, "-")}`;

  useEffect(() => {
    if (!focusRow.current) return;
    const index = headers.findIndex((h) => h.key === focusRow.current);
    focusRow.current = undefined;
    if (index >= 0) document.getElementById(`${uid}-headers-${index}-name`)?.focus();
  }, [headers, uid]);

  function addHeader() {
    const key = nextKey();
    focusRow.current = key;
    setHeaders((rows) => [...rows, { key, name: "", value: "" }]);
  }
  const errorFor = (name: string) => errors[name];
  const describedBy = (name: string) => (errors[name]?.length ? `${fieldId(name)}-error` : undefined);

  function updateHeader(key: string, patch: Partial<HeaderRow>) {
    setHeaders((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  }

  function toggleEvent(type: string, checked: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (checked) next.add(type);
      else next.delete(type);
      return next;
    });
  }

  function submit(event?: React.FormEvent<HTMLFormElement>, confirmDuplicateUrl = false) {
    event?.preventDefault();
    // Rows added and left empty are dropped (the server drops them too), so that error paths match the rows shown.
    const kept = headers.filter((h) => !isEmptyRow(h));
    if (kept.length !== headers.length) setHeaders(kept);
    const input = {
      ...(endpoint ? { id: endpoint.id } : {}),
      url,
      description,
      eventTypes: allEvents ? "all" : events.map((e) => e.type).filter((t) => selected.has(t)),
      headers: kept.map((h) => ({ id: h.id, name: h.name, ...(h.value !== undefined ? { value: h.value } : {}) })),
      timeoutSeconds,
      maxRetries,
      rateLimitPerSecond: rateLimit.trim(),
      ordered,
      alertEmails,
      ...(endpoint ? {} : { active }),
      ...(confirmDuplicateUrl ? { confirmDuplicateUrl: true } : {}),
    };
    startTransition(async () => {
      const result = endpoint ? await updateEndpointAction(input) : await createEndpointAction(input);
      if (!result.ok && result.error.code === "conflict:duplicate_url") {
        setDuplicateWarning(result.error.message);
        return;
      }
      if (!result.ok) {
        const fieldErrors = result.error.fieldErrors ?? {};
        setErrors(fieldErrors);
        // No toast: it would cover the form's buttons. The summary beside them says it, and screen readers hear it.
        setFailure((f) => ({
          count: (f?.count ?? 0) + 1,
          message: result.error.fieldErrors ? failureSummary(fieldErrors) : `Not saved: ${result.error.message}`,
        }));
        return;
      }
      setErrors({});
      setFailure(undefined);
      if (endpoint) {
        toast.success("Endpoint saved");
        setHeaders((rows) => rows.filter((r) => r.name.trim() !== ""));
        router.refresh();
      } else {
        toast.success("Webhook created", "Copy its signing secret to verify our requests.");
        router.push(`/webhooks/${result.data.id}`);
      }
    });
  }

  const categories = [...new Set(events.map((e) => e.category))];
  const formError = errors[""]?.[0];

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-6" aria-label={endpoint ? "Edit endpoint" : "Create webhook"}>
      {formError ? <p className="text-sm text-destructive">{formError}</p> : null}
      <Card>
        <CardHeader>
          <CardTitle>Endpoint</CardTitle>
          <CardDescription>Where Herald sends events. Only public HTTPS URLs are accepted.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          <div className="space-y-1.5">
            <Label htmlFor={fieldId("url")}>Endpoint URL</Label>
            <Input
              id={fieldId("url")}
              type="url"
              inputMode="url"
              placeholder="https://api.example.com/webhooks/herald"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              maxLength={4096}
              autoFocus={!endpoint}
              aria-invalid={errorFor("url") ? true : undefined}
              aria-describedby={describedBy("url")}
            />
            <FieldError id={`${fieldId("url")}-error`} errors={errorFor("url")} />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={fieldId("description")}>
              Description <span className="font-normal text-muted-foreground">(optional)</span>
            </Label>
            <Input
              id={fieldId("description")}
              placeholder="Production receiver for verification results"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              aria-invalid={errorFor("description") ? true : undefined}
              aria-describedby={describedBy("description")}
            />
            <FieldError id={`${fieldId("description")}-error`} errors={errorFor("description")} />
          </div>
          <div className="grid gap-5 sm:grid-cols-3">
            <NumberField
              id={fieldId("timeoutSeconds")}
              label="Timeout (seconds)"
              min={1}
              max={30}
              value={timeoutSeconds}
              onChange={setTimeoutSeconds}
              hint="1 to 30. Covers connecting, headers and body."
              errors={errorFor("timeoutSeconds")}
            />
            <NumberField
              id={fieldId("maxRetries")}
              label="Retries"
              min={0}
              max={10}
              value={maxRetries}
              onChange={setMaxRetries}
              hint="0 to 10 retries after the first attempt, with exponential backoff."
              errors={errorFor("maxRetries")}
            />
            <NumberField
              id={fieldId("rateLimitPerSecond")}
              label="Rate limit (requests per second)"
              min={1}
              max={1000}
              value={rateLimit}
              onChange={setRateLimit}
              hint="Optional, 1 to 1000; empty: no limit. Held across all of Herald's processes."
              errors={errorFor("rateLimitPerSecond")}
            />
            {endpoint ? null : (
              <div className="space-y-1.5">
                <Label htmlFor={fieldId("active")}>Active</Label>
                <div className="flex h-9 items-center gap-2">
                  <Switch id={fieldId("active")} checked={active} onCheckedChange={setActive} />
                  <span className="text-sm text-muted-foreground">{active ? "Receives events" : "Paused"}</span>
                </div>
              </div>
            )}
          </div>
          <div className="flex items-start gap-3">
            <Switch
              id={fieldId("ordered")}
              checked={ordered}
              onCheckedChange={setOrdered}
              className="mt-0.5 shrink-0"
              aria-describedby={`${fieldId("ordered")}-hint`}
              aria-invalid={errorFor("ordered") ? true : undefined}
            />
            <div className="min-w-0 space-y-0.5">
              <Label htmlFor={fieldId("ordered")}>Ordered delivery</Label>
              <p id={`${fieldId("ordered")}-hint`} className="text-sm text-muted-foreground">
                One event at a time, in the order they were published: the next waits until the one before succeeded, used
                up its retries or was cancelled. Slower, and a failing event holds up the ones behind it.
              </p>
              <FieldError id={`${fieldId("ordered")}-error`} errors={errorFor("ordered")} />
            </div>
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Events</CardTitle>
          <CardDescription>Which events this endpoint receives.</CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          <fieldset className="space-y-2">
            <legend className="sr-only">Event subscription</legend>
            <label className="flex items-start gap-2 text-sm">
              <input type="radio" name={`${uid}-events`} checked={allEvents} onChange={() => setAllEvents(true)} className="mt-0.5 accent-primary" />
              <span>
                <span className="font-medium">All events</span>
                <span className="block text-muted-foreground">Including event types added to the catalog later.</span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name={`${uid}-events`}
                checked={!allEvents}
                onChange={() => setAllEvents(false)}
                className="mt-0.5 accent-primary"
                data-invalid={errorFor("eventTypes") ? true : undefined}
                aria-describedby={describedBy("eventTypes")}
              />
              <span className="font-medium">Only the events I choose</span>
            </label>
          </fieldset>
          {!allEvents ? (
            <div className="space-y-4 rounded-md border p-4" aria-describedby={describedBy("eventTypes")}>
              {categories.map((category) => (
                <fieldset key={category} className="space-y-2">
                  <legend className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{category}</legend>
                  {events
                    .filter((e) => e.category === category)
                    .map((e) => (
                      <label key={e.type} className="flex items-start gap-2 text-sm">
                        <input
                          type="checkbox"
                          className="mt-0.5 accent-primary"
                          checked={selected.has(e.type)}
                          onChange={(ev) => toggleEvent(e.type, ev.target.checked)}
                        />
                        <span>
                          <code className="font-mono text-[13px]">{e.type}</code>
                          <span className="block text-muted-foreground">{e.description}</span>
                        </span>
                      </label>
                    ))}
                </fieldset>
              ))}
            </div>
          ) : null}
          <FieldError id={`${fieldId("eventTypes")}-error`} errors={errorFor("eventTypes")} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Custom headers</CardTitle>
          <CardDescription>
            Sent with every request, e.g. <code className="font-mono">X-API-Key</code> for your receiver&apos;s own auth.
            Values are encrypted at rest and shown masked after saving.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-3">
          {headers.length === 0 ? <p className="text-sm text-muted-foreground">No custom headers.</p> : null}
          {headers.map((h, i) => (
            <div key={h.key} className="grid gap-2 sm:grid-cols-[1fr_1.5fr_auto]" data-testid="header-row">
              <div className="space-y-1">
                <Label htmlFor={fieldId(`headers.${i}.name`)} className={cn(i > 0 && "sm:sr-only")}>
                  Header name
                </Label>
                <Input
                  id={fieldId(`headers.${i}.name`)}
                  placeholder="X-API-Key"
                  value={h.name}
                  onChange={(e) => updateHeader(h.key, { name: e.target.value })}
                  aria-invalid={errorFor(`headers.${i}.name`) ? true : undefined}
                  aria-describedby={describedBy(`headers.${i}.name`)}
                />
                <FieldError id={`${fieldId(`headers.${i}.name`)}-error`} errors={errorFor(`headers.${i}.name`)} />
              </div>
              <div className="space-y-1">
                <Label htmlFor={fieldId(`headers.${i}.value`)} className={cn(i > 0 && "sm:sr-only")}>
                  Header value
                </Label>
                {h.value === undefined && h.maskedValue ? (
                  <div className="flex gap-2">
                    <Input id={fieldId(`headers.${i}.value`)} value={h.maskedValue} readOnly className="font-mono text-muted-foreground" />
                    <Button type="button" variant="outline" onClick={() => updateHeader(h.key, { value: "" })}>
                      Replace
                    </Button>
                  </div>
                ) : (
                  <Input
                    id={fieldId(`headers.${i}.value`)}
                    placeholder="your-secret"
                    value={h.value ?? ""}
                    autoComplete="off"
                    onChange={(e) => updateHeader(h.key, { value: e.target.value })}
                    aria-invalid={errorFor(`headers.${i}.value`) ? true : undefined}
                    aria-describedby={describedBy(`headers.${i}.value`)}
                  />
                )}
                <FieldError id={`${fieldId(`headers.${i}.value`)}-error`} errors={errorFor(`headers.${i}.value`)} />
              </div>
              <div className={cn("flex items-start", i === 0 && "sm:pt-6")}>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove header ${h.name || i + 1}`}
                  onClick={() => setHeaders((rows) => rows.filter((r) => r.key !== h.key))}
                >
                  <Trash2 className="size-4" aria-hidden />
                </Button>
              </div>
            </div>
          ))}
          <FieldError id={`${fieldId("headers")}-error`} errors={errorFor("headers")} />
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={headers.length >= MAX_HEADERS}
            onClick={addHeader}
          >
            <Plus className="size-4" aria-hidden />
            Add header
          </Button>
          {headers.length >= MAX_HEADERS ? <p className="text-xs text-muted-foreground">At most {MAX_HEADERS} headers.</p> : null}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Alerts</CardTitle>
          <CardDescription>
            When this endpoint starts failing, is about to be disabled, is disabled or recovers, Herald emails your
            organization&apos;s owners (each chooses which alerts under Settings -&gt; Notifications), and the addresses below.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-1.5">
          <Label htmlFor={fieldId("alertEmails")}>
            Alert emails <span className="font-normal text-muted-foreground">(optional)</span>
          </Label>
          <textarea
            id={fieldId("alertEmails")}
            rows={3}
            placeholder={"oncall@example.com\nops@example.com"}
            value={alertEmails}
            onChange={(e) => setAlertEmails(e.target.value)}
            className={cn(
              "flex w-full min-w-0 rounded-md border border-input bg-background px-3 py-2 text-base shadow-sm transition-colors md:text-sm",
              "placeholder:text-muted-foreground focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background",
              "aria-[invalid=true]:border-destructive",
            )}
            aria-invalid={errorFor("alertEmails") ? true : undefined}
            aria-describedby={[`${fieldId("alertEmails")}-hint`, describedBy("alertEmails")].filter(Boolean).join(" ")}
          />
          <p id={`${fieldId("alertEmails")}-hint`} className="text-xs text-muted-foreground">
            Up to 10 addresses, one per line (or separated by commas). Each alert has a one-click unsubscribe.
          </p>
          <FieldError id={`${fieldId("alertEmails")}-error`} errors={errorFor("alertEmails")} />
        </CardContent>
      </Card>

      <div className="space-y-3">
        {/* role="alert": announced as soon as it appears or changes. */}
        <p
          ref={summaryRef}
          role="alert"
          tabIndex={-1}
          className={cn("text-sm font-medium text-destructive outline-none", !failure && "sr-only")}
          data-testid="form-error-summary"
        >
          {failure?.message ?? ""}
        </p>
        {/* Start-aligned: toasts appear at the bottom right (the top on phones), never over these buttons. */}
        <div className="flex flex-col gap-2 sm:flex-row">
          <Button type="submit" loading={pending}>
            {endpoint ? "Save changes" : "Create Webhook"}
          </Button>
          <Button type="button" variant="outline" asChild>
            <Link href={endpoint ? `/webhooks/${endpoint.id}` : "/webhooks"}>Cancel</Link>
          </Button>
        </div>
      </div>
      <AlertDialog open={duplicateWarning !== undefined} onOpenChange={(open) => !open && setDuplicateWarning(undefined)}>
        <AlertDialogContent data-testid="duplicate-url-dialog">
          <AlertDialogHeader>
            <AlertDialogTitle>This URL already receives events</AlertDialogTitle>
            <AlertDialogDescription>
              {duplicateWarning} Usually one endpoint per URL is what you want: choose the events it receives instead.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Go back</AlertDialogCancel>
            <AlertDialogAction
              onClick={() => {
                setDuplicateWarning(undefined);
                submit(undefined, true);
              }}
            >
              {endpoint ? "Save anyway" : "Create anyway"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </form>
  );
}
