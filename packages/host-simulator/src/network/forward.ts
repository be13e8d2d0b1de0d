import { connect, Server, Socket } from 'node:net';

export interface Address {
  host: string;
  port: number;
}

/**
 * Relays a client connection to `target`, as kube-proxy's DNAT or a TLS
 * passthrough proxy does. Without a target (no ready endpoint) the connection
 * is refused by closing it.
 */
export function forward(
  client: Socket,
  target: Address | undefined,
  head?: Buffer,
) {
  if (!target) {
    client.destroy();
    return;
  }
  const upstream = connect(target.port, target.host);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('connect', () => {
    if (head) {
      upstream.write(head);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on('error', close);
  upstream.on('close', close);
  client.on('error', close);
  client.on('close', close);
}

/** A TCP listener that remembers its connections, so closing it also ends them. */
export class Listener {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(onConnection: (socket: Socket) => void) {
    this.server = new Server({ pauseOnConnect: true }, socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      onConnection(socket);
    });
  }

  /** Listens on host:port; resolves to the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise(resolve => {
      this.sockets.forEach(s => s.destroy());
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }
}
