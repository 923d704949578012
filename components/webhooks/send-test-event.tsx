"use client";

import { ArrowRight, CheckCircle2, Clock, Send, XCircle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { sendTestEventAction } from "@/app/(portal)/webhooks/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";
import type { TestEventResult } from "@/lib/delivery/test-event";

/**
 * Sends a catalog example to this endpoint through the real delivery path and shows the first attempt's outcome,
 * with a link to the delivery; then refreshes the page, whose status, health and recent deliveries it changed.
 */
export function SendTestEvent({ id, active, types, timeoutSeconds }: { id: string; active: boolean; types: string[]; timeoutSeconds: number }) {
  const router = useRouter();
  const labelId = useId();
  const [type, setType] = useState(types[0] ?? "");
  const [result, setResult] = useState<TestEventResult>();
  const [pending, startTransition] = useTransition();

  function send() {
    startTransition(async () => {
      const response = await sendTestEventAction({ id, type });
      if (!response.ok) {
        setResult(undefined);
        toast.error("Test event not sent", response.error.message);
        return;
      }
      setResult(response.data);
      // A 410 disables the endpoint; any answer changes Health and Recent deliveries.
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="space-y-1.5 sm:w-80">
          <Label id={labelId}>Event type</Label>
          <Select value={type} onValueChange={setType}>
            <SelectTrigger aria-labelledby={labelId} className="font-mono text-sm">
              <SelectValue placeholder="Choose an event" />
            </SelectTrigger>
            <SelectContent>
              {types.map((t) => (
                <SelectItem key={t} value={t} className="font-mono text-sm">
                  {t}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <Button type="button" onClick={send} loading={pending} disabled={!type || !active}>
          {pending ? null : <Send className="size-4" aria-hidden />}
          {pending ? "Sending…" : "Send test event"}
        </Button>
      </div>
      {!active ? <p className="text-sm text-muted-foreground">Switch the endpoint to Active to send a test event.</p> : null}
      {pending ? (
        <p className="text-sm text-muted-foreground" aria-live="polite">
          Waiting for your endpoint to answer (up to {timeoutSeconds} s)…
        </p>
      ) : null}
      {result && !pending ? (
        <div className="space-y-3 rounded-md border bg-muted/30 p-4" data-testid="test-event-result" aria-live="polite">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            {result.outcome === "succeeded" ? (
              <Badge variant="success">
                <CheckCircle2 className="size-3.5" aria-hidden /> Delivered
              </Badge>
            ) : result.outcome === "failed" ? (
              <Badge variant="destructive">
                <XCircle className="size-3.5" aria-hidden /> Failed
              </Badge>
            ) : (
              <Badge variant="warning">
                <Clock className="size-3.5" aria-hidden /> Still running
              </Badge>
            )}
            {result.statusCode !== null ? <span className="font-mono">HTTP {result.statusCode}</span> : null}
            {result.durationMs !== null ? <span className="text-muted-foreground">{result.durationMs} ms</span> : null}
            {result.errorClass ? <code className="font-mono text-xs">{result.errorClass}</code> : null}
            <span className="text-muted-foreground">
              event <code className="font-mono text-xs">{result.eventId}</code>
            </span>
            <Link href={`/webhooks/logs/${result.deliveryId}`} className="ml-auto inline-flex items-center gap-1 text-primary hover:underline">
              View delivery
              <ArrowRight className="size-3.5" aria-hidden />
            </Link>
          </div>
          {result.errorMessage ? <p className="text-sm text-destructive">{result.errorMessage}</p> : null}
          {result.statusCode === 410 ? (
            <p className="text-sm text-muted-foreground">410 Gone tells Herald to stop: the endpoint is now disabled.</p>
          ) : null}
          {result.outcome === "pending" ? (
            <p className="text-sm text-muted-foreground">The first attempt has not finished yet; it goes on in the background.</p>
          ) : null}
          {result.willRetry ? <p className="text-sm text-muted-foreground">Herald will retry it on this endpoint&apos;s schedule.</p> : null}
          {result.responseBody ? (
            <div>
              <p className="mb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">Response body</p>
              <pre className="max-h-48 overflow-auto rounded border bg-card p-3 font-mono text-xs whitespace-pre-wrap break-all">
                {result.responseBody}
              </pre>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
