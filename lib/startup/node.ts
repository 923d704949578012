/**
 * The Node.js side of instrumentation.ts. Any start-up failure stops the process here. Next.js catches an error
 * thrown by register() and keeps serving, answering 500 on every page and on /api/health: a misconfigured server
 * would look alive to a process manager and to a load balancer. A malformed variable fails while lib/env.ts is
 * imported, before startServer's own handling runs, hence the dynamic import inside the try and no logger here
 * (lib/logger.ts reads lib/env.ts).
 */
export async function registerNodeServer(): Promise<void> {
  try {
    const { startServer } = await import("./index");
    await startServer();
  } catch (error) {
    process.stderr.write(`\n[herald] Herald could not start: ${error instanceof Error ? error.message : String(error)}\n\n`);
    process.exit(1);
  }
}
