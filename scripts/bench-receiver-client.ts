import { fork, type ChildProcess } from "node:child_process";

/** A bench receiver (scripts/bench-receiver.ts) in its own process, and the IPC questions the benchmarks ask it. */
export interface ReceiverProcess {
  child: ChildProcess;
  url: string;
  ask: <T>(type: string) => Promise<T>;
}

export function startReceiverProcess(): Promise<ReceiverProcess> {
  const child = fork("scripts/bench-receiver.ts", { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { type: string } & T) => {
        if (m.type === (type === "reset" ? "reset-done" : type)) {
          child.off("message", onMessage);
          resolve(m);
        }
      };
      child.on("message", onMessage);
      child.send({ type });
    });
  return new Promise((resolve) => {
    child.once("message", (m: { url: string }) => resolve({ child, url: m.url, ask }));
  });
}

/** Polls the receiver until it holds `n` requests; returns every (webhook-id, receivedAt) pair. */
export async function waitForCount(ask: ReceiverProcess["ask"], n: number, timeoutMs: number, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { received } = await ask<{ received: [string, number][] }>("stats");
    if (received.length >= n) return received;
    if (Date.now() > deadline) throw new Error(`only ${received.length} of ${n} arrived in time`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Polls the receiver's count until it reaches `n` (no per-request data over IPC); calls `onPoll` with each count. */
export async function waitForCountOnly(ask: ReceiverProcess["ask"], n: number, timeoutMs: number, onPoll?: (count: number) => void, pollMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await ask<{ count: number }>("count");
    onPoll?.(count);
    if (count >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${count} of ${n} arrived in time`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
