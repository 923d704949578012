"use client";

import { CheckCircle2, CircleDashed, CircleHelp, ShieldCheck, XCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { runVerificationCheckAction } from "@/app/(portal)/webhooks/actions";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { VerifySnippet } from "@/components/webhooks/verify-snippet";
import type { VerificationRun } from "@/lib/delivery/verification-check";

const OUTCOME: Record<VerificationRun["outcome"], { label: string; variant: "success" | "destructive" | "warning" }> = {
  passed: { label: "Verifies signatures", variant: "success" },
  failed: { label: "Does not verify", variant: "destructive" },
  inconclusive: { label: "Incomplete", variant: "warning" },
};

type Case = VerificationRun["cases"][number];

function VerdictBadge({ verdict }: { verdict: Case["verdict"] }) {
  if (verdict === "pass") {
    return (
      <Badge variant="success">
        <CheckCircle2 aria-hidden /> Pass
      </Badge>
    );
  }
  if (verdict === "fail") {
    return (
      <Badge variant="destructive">
        <XCircle aria-hidden /> Fail
      </Badge>
    );
  }
  if (verdict === "inconclusive") {
    return (
      <Badge variant="warning">
        <CircleHelp aria-hidden /> No answer
      </Badge>
    );
  }
  return (
    <Badge variant="secondary">
      <CircleDashed aria-hidden /> Not sent
    </Badge>
  );
}

function CaseRow({ c }: { c: Case }) {
  return (
    <li className="grid gap-3 p-4 md:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_auto]" data-testid={`verification-case-${c.number}`} data-verdict={c.verdict}>
      <div className="min-w-0 space-y-1">
        <p className="text-sm font-medium">
          {c.number}. {c.title}
        </p>
        <p className="text-sm text-muted-foreground">{c.sent.description}</p>
        <p className="text-xs text-muted-foreground">Expected: {c.expected === "accept" ? "accepted (2xx)" : "refused (anything but 2xx)"}</p>
        <details className="text-xs">
          <summary className="cursor-pointer text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            Headers sent
          </summary>
          <dl className="mt-2 space-y-1 font-mono">
            {Object.entries(c.sent.headers).map(([name, value]) => (
              <div key={name} className="break-all">
                <dt className="inline text-muted-foreground">{name}: </dt>
                <dd className="inline">{value}</dd>
              </div>
            ))}
            {c.sent.customHeaders.length > 0 ? (
              <div className="text-muted-foreground">and your custom headers: {c.sent.customHeaders.join(", ")}</div>
            ) : null}
            {c.sent.headers["webhook-signature"] === undefined ? <div className="text-muted-foreground">(no signature header)</div> : null}
          </dl>
        </details>
      </div>
      <div className="min-w-0 space-y-1 text-sm">
        <p className="flex flex-wrap items-center gap-2">
          {c.status !== null ? <span className="font-mono">HTTP {c.status}</span> : c.verdict === "not_sent" ? null : <span className="font-mono">no answer</span>}
          {c.durationMs !== null ? <span className="text-muted-foreground">{c.durationMs} ms</span> : null}
          {c.errorClass && c.status === null ? <code className="font-mono text-xs">{c.errorClass}</code> : null}
        </p>
        {c.responseExcerpt ? (
          <pre className="max-h-24 overflow-auto rounded border bg-muted/40 p-2 font-mono text-xs whitespace-pre-wrap break-all">{c.responseExcerpt}</pre>
        ) : null}
      </div>
      <div className="space-y-1 md:w-56">
        <VerdictBadge verdict={c.verdict} />
        <p className="text-xs text-muted-foreground">{c.explanation}</p>
      </div>
    </li>
  );
}

function Report({ run, brand }: { run: VerificationRun; brand: string }) {
  const outcome = OUTCOME[run.outcome];
  return (
    <div className="space-y-4" data-testid="verification-report" data-outcome={run.outcome}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge variant={outcome.variant}>{outcome.label}</Badge>
        <span className="text-muted-foreground">
          checked <Time value={run.createdAt} seconds /> · {run.signatureScheme === "v1a" ? "ed25519 (v1a)" : "HMAC (v1)"}
        </span>
      </div>
      <p
        className={run.outcome === "passed" ? "text-sm" : "rounded-md border border-destructive/30 bg-destructive/5 p-3 text-sm font-medium"}
        data-testid="verification-summary"
      >
        {run.summary}
      </p>
      <ol className="divide-y rounded-md border" aria-label="Cases">
        {run.cases.map((c) => (
          <CaseRow key={c.number} c={c} />
        ))}
      </ol>
      {run.fix ? (
        <div className="space-y-3" data-testid="verification-fix">
          <h3 className="text-sm font-semibold">How to fix it</h3>
          <p className="text-sm">{run.fix}</p>
          <p className="text-sm text-muted-foreground">Verify each request like this, in your receiver&apos;s language:</p>
          <VerifySnippet brand={brand} scheme={run.signatureScheme} />
        </div>
      ) : null}
    </div>
  );
}

/**
 * "Check signature verification": runs the six-request self-test (lib/delivery/verification-check.ts) and shows the
 * report card of the latest run, with the earlier runs (the last 10) one click away.
 */
export function VerificationCheck({
  endpointId,
  active,
  brand,
  timeoutSeconds,
  runs,
}: {
  endpointId: string;
  active: boolean;
  brand: string;
  timeoutSeconds: number;
  runs: VerificationRun[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [fresh, setFresh] = useState<VerificationRun>();
  const [selectedId, setSelectedId] = useState<string>();
  // A run just made shows at once, before the page's list is refreshed to include it.
  const all = fresh && !runs.some((r) => r.id === fresh.id) ? [fresh, ...runs] : runs;
  const selected = all.find((r) => r.id === selectedId) ?? all[0];

  function check() {
    startTransition(async () => {
      const result = await runVerificationCheckAction({ id: endpointId });
      if (!result.ok) {
        toast.error("Check not run", result.error.message);
        return;
      }
      setFresh(result.data);
      setSelectedId(result.data.id);
      const { outcome } = result.data;
      if (outcome === "passed") toast.success("Your endpoint verifies signatures");
      else toast.error(outcome === "failed" ? "Your endpoint does not verify signatures" : "The check is incomplete", result.data.summary);
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" onClick={check} loading={pending} disabled={!active}>
          {pending ? null : <ShieldCheck className="size-4" aria-hidden />}
          {pending ? "Checking…" : "Check signature verification"}
        </Button>
        {!active ? <span className="text-sm text-muted-foreground">Switch the endpoint to Active to run the check.</span> : null}
      </div>
      {pending ? (
        <p className="text-sm text-muted-foreground" aria-live="polite">
          Sending six requests to your endpoint, one after the other (each may take up to {timeoutSeconds} s)…
        </p>
      ) : null}
      <div aria-live="polite">
        {selected ? (
          <Report run={selected} brand={brand} />
        ) : (
          <p className="text-sm text-muted-foreground" data-testid="verification-empty">
            Not checked yet. The check sends six test requests, some signed correctly and some forged, and tells you
            whether your endpoint accepts only the genuine ones.
          </p>
        )}
      </div>
      {all.length > 1 ? (
        <div className="space-y-2">
          <h3 className="text-sm font-semibold">Earlier checks</h3>
          <ul className="flex flex-wrap gap-2" aria-label="Earlier checks">
            {all.map((r) => (
              <li key={r.id}>
                <Button
                  type="button"
                  size="sm"
                  variant={r.id === selected?.id ? "secondary" : "ghost"}
                  aria-pressed={r.id === selected?.id}
                  onClick={() => setSelectedId(r.id)}
                  className="gap-2"
                >
                  <span className={r.outcome === "passed" ? "text-success" : r.outcome === "failed" ? "text-destructive" : "text-warning"} aria-hidden>
                    ●
                  </span>
                  <Time value={r.createdAt} seconds />
                  <span className="sr-only">{OUTCOME[r.outcome].label}</span>
                </Button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
