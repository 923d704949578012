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

/**
 * Waits until the receiver holds `n` requests, then returns every (webhook-id, receivedAt) pair. It polls the count
 * only: asking for every pair on each poll (as this once did, 40 times a second in bench:peers) made the receiver
 * serialise and the waiting process parse a list of up to 100,000 pairs per poll, CPU taken from the system measured.
 */
export async function waitForCount(ask: ReceiverProcess["ask"], n: number, timeoutMs: number, pollMs = 100) {
  await waitForCountOnly(ask, n, timeoutMs, undefined, pollMs);
  const { received } = await ask<{ received: [string, number][] }>("stats");
  return received;
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
