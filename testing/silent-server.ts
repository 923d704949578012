import net, { type AddressInfo, type Socket } from "node:net";

/** A TCP server that accepts connections and never sends a byte (no TLS handshake, no HTTP). */
export interface SilentServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Bytes the clients sent (a TLS ClientHello, at most). */
  bytesReceived(): number;
  close(): Promise<void>;
}

/** Starts a {@link SilentServer} on an ephemeral port of `host` (default 127.0.0.1). */
export async function startSilentServer(host = "127.0.0.1"): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let received = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    connections: () => accepted,
    bytesReceived: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
