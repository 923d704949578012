/**
 * The benchmarks' HTTPS receiver, in its own process so that its work and memory are not counted as Herald's.
 * Speaks over IPC: sends { port } when listening; on "stats" replies with every (webhook-id, receivedAt) pair, on
 * "count" with how many requests arrived (cheap enough to poll during a 200,000-delivery drain).
 */
import { startReceiver } from "../testing/https-receiver";

async function main() {
  const receiver = await startReceiver({ recordBodies: false });
  process.send?.({ type: "ready", port: receiver.port, url: receiver.url });
  process.on("message", (message: { type: string }) => {
    if (message.type === "stats") {
      process.send?.({ type: "stats", received: receiver.requests.map((r) => [r.headers["webhook-id"] ?? "", r.receivedAt]) });
    } else if (message.type === "count") {
      process.send?.({ type: "count", count: receiver.requests.length });
    } else if (message.type === "reset") {
      receiver.reset();
      process.send?.({ type: "reset-done" });
    } else if (message.type === "close") {
      void receiver.close().then(() => process.exit(0));
    }
  });
}

void main();
