/**
 * `npm run bench`: runs `bench:delivery`, `bench:logs` and `bench:peers` one after the other (each in its own
 * process, on fresh databases) and prints one table of their figures with targets and pass/fail, and the machine they ran on.
 * Exits 1 when any figure misses its target or a benchmark fails. `--quick` runs smaller sizes (2,000 events, a
 * fan-out to 200 endpoints, a backlog of 20,000, 200,000 attempts, one round of 200 events x 10 endpoints for the
 * peers); the environment variables of each
 * benchmark (EVENTS, ATTEMPTS, RUNS, ROUNDS ...) still apply.
 * Needs DATABASE_URL; the Logs page timing needs a production build (`npm run build`).
 */
import { spawn } from "node:child_process";
import os from "node:os";
import postgres from "postgres";

const quick = process.argv.includes("--quick");

interface Row {
  benchmark: string;
  measure: string;
  value: string;
  target: string;
  result: string;
}

function run(script: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The rows of the markdown tables a benchmark printed (header and separator lines skipped). */
function tableRows(output: string): string[][] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("|---"))
    .map((line) => line.slice(2, -2).split(" | ").map((cell) => cell.trim()))
    .filter((cells) => !["Measure", "Query"].includes(cells[0]!));
}

async function machine(): Promise<string> {
  let pg = "PostgreSQL ?";
  if (process.env.DATABASE_URL) {
    const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => undefined });
    try {
      const [{ server_version }] = (await sql`show server_version`) as unknown as [{ server_version: string }];
      pg = `PostgreSQL ${server_version.split(" ")[0]}`;
    } finally {
      await sql.end();
    }
  }
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pg} on loopback`;
}

async function main() {
  if (!process.env.DATABASE_URL) {
    console.error("npm run bench needs DATABASE_URL (a PostgreSQL server on which it may create and drop databases).");
    process.exit(1);
  }
  const rows: Row[] = [];

  const delivery = await run("bench:delivery", quick
      ? {
          EVENTS: process.env.EVENTS ?? "2000",
          LATENCY_SECONDS: process.env.LATENCY_SECONDS ?? "5",
          FANOUT: process.env.FANOUT ?? "200",
          BACKLOG: process.env.BACKLOG ?? "20000",
        }
      : {});
  const deliveryRows = tableRows(delivery.output);
  for (const [measure, value, target, result] of deliveryRows) {
    rows.push({ benchmark: "delivery", measure: measure!, value: value!, target: target ?? "", result: result ?? "" });
  }
  const sizeOf = (pattern: RegExp, output: string) => pattern.exec(output)?.[1] ?? "?";
  const events = sizeOf(/bench:delivery: (\d+) events/, delivery.output);

  const logs = await run("bench:logs", quick ? { ATTEMPTS: process.env.ATTEMPTS ?? "200000" } : {});
  const logRows = tableRows(logs.output);
  for (const [query, , p50, p95, target, result] of logRows) {
    rows.push({ benchmark: "logs", measure: `${query} (p50 ${p50})`, value: `${p95} p95`, target: target!, result: result! });
  }
  const attempts = sizeOf(/bench:logs: ([\d,]+) attempts/, logs.output);

  const peers = await run("bench:peers", quick ? { EVENTS: process.env.EVENTS ?? "200", ROUNDS: process.env.ROUNDS ?? "1" } : {});
  for (const line of peers.output.split("\n")) {
    const cells = line.startsWith("| ") ? line.slice(2, -2).split(" | ").map((c) => c.trim()) : [];
    // The peers table (8 columns): one row per system, its median rate with the spread of the rounds.
    if (cells.length === 8 && cells[0] !== "System") {
      const [system, rate, spread, , rss, rowsPer, walPer, cpu] = cells;
      const db = rowsPer === "-" ? "" : `, ${rowsPer} rows and ${walPer} WAL bytes per delivery`;
      const machineCpu = cpu === "-" ? "" : `, machine CPU ${cpu} ms per 1,000 deliveries`;
      rows.push({
        benchmark: "peers",
        measure: `${system} deliveries/s (min-max ${spread}, peak RSS ${rss} MB${db}${machineCpu})`,
        value: rate!,
        target: "",
        result: "",
      });
    }
  }
  for (const [measure, value, target, result] of tableRows(peers.output).filter((cells) => cells.length === 4)) {
    rows.push({ benchmark: "peers", measure: measure!, value: value!, target: target ?? "", result: result ?? "" });
  }
  const peerSize = /bench:peers: (\d+ events x \d+ endpoints)/.exec(peers.output)?.[1] ?? "?";

  const failed = delivery.code !== 0 || logs.code !== 0 || peers.code !== 0 || rows.some((r) => r.result === "FAIL");
  console.log(`\nnpm run bench${quick ? " --quick" : ""}: delivery ${events} events, logs ${attempts} attempts, peers ${peerSize}; ${await machine()}; ${new Date().toISOString().slice(0, 10)}\n`);
  console.log("| Benchmark | Measure | Value | Target | Result |\n|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.benchmark} | ${r.measure} | ${r.value} | ${r.target} | ${r.result} |`);
  if (delivery.code !== 0 || logs.code !== 0 || peers.code !== 0) {
    console.log(`\nexit codes: bench:delivery ${delivery.code}, bench:logs ${logs.code}, bench:peers ${peers.code}`);
  }
  console.log(failed ? "\nbench: some figures missed their targets." : "\nbench: every figure met its target.");
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
