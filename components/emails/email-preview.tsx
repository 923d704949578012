import { ExternalLink, X } from "lucide-react";
import Link from "next/link";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import type { EmailRow } from "@/db/schema";
import { ResendEmailButton } from "./resend-email-button";

/**
 * One email as it was sent (or kept): its link, clickable, then the HTML part in a sandboxed frame (no scripts, no
 * access to the portal; links open in a new tab) and the text part.
 */
export function EmailPreview({
  email,
  organizationName,
  closeHref,
  resendable,
}: {
  email: EmailRow;
  organizationName: string | null;
  closeHref: string;
  resendable: boolean;
}) {
  // Links inside the frame open in a new tab: the sandbox lets them out, nothing else.
  const srcDoc = email.html.replace(/<head>/i, '<head><base target="_blank">');
  return (
    <Card className="mb-6" data-testid="email-preview">
      <CardHeader className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 space-y-1">
          <CardTitle className="break-words">{email.subject}</CardTitle>
          <CardDescription className="break-all">
            To <span className="font-medium text-foreground">{email.to}</span>
            {organizationName ? <> · {organizationName}</> : null} · <code className="font-mono text-xs">{email.template}</code> · queued{" "}
            <Time value={email.createdAt} />
            {email.sentAt ? (
              <>
                {" "}
                · sent <Time value={email.sentAt} />
              </>
            ) : null}
          </CardDescription>
          <div className="flex flex-wrap items-center gap-2 pt-1">
            <Badge variant={email.status === "sent" ? "success" : email.status === "failed" ? "destructive" : email.status === "kept" ? "warning" : "secondary"}>
              {email.status}
            </Badge>
            <span className="text-xs text-muted-foreground">
              {email.attempts} attempt{email.attempts === 1 ? "" : "s"}
            </span>
            {email.lastError ? <span className="text-xs text-destructive">{email.lastError}</span> : null}
          </div>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {resendable ? <ResendEmailButton id={email.id} to={email.to} size="default" /> : null}
          <Button asChild variant="ghost" size="icon" aria-label="Close the email">
            <Link href={closeHref} scroll={false}>
              <X className="size-4" aria-hidden />
            </Link>
          </Button>
        </div>
      </CardHeader>
      <CardContent className="space-y-4">
        {email.link ? (
          <div className="rounded-md border bg-muted/40 p-3 text-sm">
            <div className="mb-1 text-xs font-medium text-muted-foreground">Link in this email</div>
            <div className="flex items-center gap-2">
              <a
                href={email.link}
                target="_blank"
                rel="noopener noreferrer"
                className="min-w-0 break-all font-mono text-xs text-primary underline-offset-4 hover:underline"
                data-testid="email-link"
              >
                {email.link}
              </a>
              <ExternalLink className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
              <CopyButton value={email.link} label="Copy link" />
            </div>
          </div>
        ) : null}
        <iframe
          title={`The email "${email.subject}" as HTML`}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={srcDoc}
          className="h-[28rem] w-full rounded-md border bg-white"
        />
        <details>
          <summary className="cursor-pointer text-sm font-medium">Text part</summary>
          <pre className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded-md border bg-muted/40 p-3 font-mono text-xs">{email.text}</pre>
        </details>
      </CardContent>
    </Card>
  );
}
