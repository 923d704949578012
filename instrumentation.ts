/**
 * Runs once when a server starts, before it answers requests. The Node.js work lives in lib/startup/, imported
 * only on the Node.js runtime so that the edge build never sees it; a failure there exits the process
 * (lib/startup/node.ts says why).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerNodeServer } = await import("@/lib/startup/node");
    await registerNodeServer();
  }
}
