/**
 * A real SMTP server for the Playwright run, in a process of its own (playwright.config.ts starts it as a web
 * server before the app): SMTP on E2E_SMTP_PORT, and the messages it received as JSON on E2E_SMTP_HTTP_PORT, for
 * the specs to read (e2e/mailbox.ts). Loopback only.
 *
 *   GET /health              200 "ok"
 *   GET /messages?to=<addr>  [{ to, subject, text, links, receivedAt }], oldest first
 */
import http from "node:http";
import { startSmtpCapture } from "./smtp";

async function main() {
  const smtpPort = Number(process.env.E2E_SMTP_PORT);
  const httpPort = Number(process.env.E2E_SMTP_HTTP_PORT);
  if (!smtpPort || !httpPort) throw new Error("set E2E_SMTP_PORT and E2E_SMTP_HTTP_PORT");
  const capture = await startSmtpCapture({ port: smtpPort });
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/health") {
      response.end("ok");
      return;
    }
    if (url.pathname === "/messages") {
      const to = url.searchParams.get("to")?.toLowerCase();
      const found = capture.messages
        .filter((m) => !to || m.to.includes(to))
        .map((m) => ({ to: m.to, subject: m.subject, text: m.text, links: m.links, receivedAt: m.receivedAt.toISOString() }));
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(found));
      return;
    }
    response.statusCode = 404;
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(httpPort, "127.0.0.1", resolve));
  process.stdout.write(`SMTP capture on 127.0.0.1:${smtpPort}, messages on http://127.0.0.1:${httpPort}/messages\n`);
  const stop = () => {
    server.close();
    void capture.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`smtp capture server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
