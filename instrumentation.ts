/**
 * Runs once when a server starts, before it answers requests. The Node.js work lives in lib/startup/, imported
 * only on the Node.js runtime so that the edge build never sees it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("@/lib/startup");
    await startServer();
  }
}
