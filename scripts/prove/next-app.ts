import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `next start` of the production build on `port`, in its own process group (so a kill reaches every process it
 * started), its output in `logFile`; resolves once `GET /api/health` answers 200. Refuses a port already in use
 * (naming `portVariable`, the setting to change) and fails with the log's end when the app exits or takes over 60 s.
 */
export async function startNextApp(options: {
  port: number;
  env: NodeJS.ProcessEnv;
  logFile: string;
  portVariable: string;
  /** "a" keeps earlier starts' output (a proof that restarts the app), "w" starts the log afresh. */
  logMode?: "a" | "w";
}): Promise<ChildProcess> {
  const health = `http://127.0.0.1:${options.port}/api/health`;
  if (await fetch(health).then(() => true, () => false)) throw new Error(`port ${options.port} is in use: set ${options.portVariable}`);
  const log = openSync(options.logFile, options.logMode ?? "a");
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(options.port)], {
    env: options.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  const deadline = Date.now() + 60_000;
  while (!(await fetch(health).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the app did not start; see ${options.logFile}:\n${readFileSync(options.logFile, "utf8").slice(-2000)}`);
    }
    await sleep(100);
  }
  return child;
}

/** SIGKILL to the app's whole process group, if it still runs. */
export function killNextApp(child: ChildProcess): void {
  if (!child.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}
