// A TCP proxy a scenario puts between a service and PostgreSQL or Kafka, to take the dependency
// "down" for that service alone: `stop()` refuses new connections and cuts open ones exactly like a
// stopped server, `start()` brings it back on the same port. Other scenarios (and other test
// suites sharing the infrastructure) keep talking to the real server undisturbed.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port the service should be given instead of the real one. */
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = (onPort: number) =>
    new Promise<Server>((resolve, reject) => {
      const next = createServer({ allowHalfOpen: true }, (client) => {
        const upstream = createConnection({ ...target, allowHalfOpen: true });
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(onPort, '127.0.0.1', () => resolve(next));
    });

  server = await listen(port);
  const boundPort = (server.address() as AddressInfo).port;

  const stop = async () => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  return {
    address: `127.0.0.1:${boundPort}`,
    port: boundPort,
    stop,
    start: async () => {
      if (!server) server = await listen(boundPort);
    },
    close: stop,
  };
}
