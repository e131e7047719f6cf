// Distance between the Worker and PostgreSQL on the pg driver (`npm run bench -- --rtt N`): a TCP
// relay that Hyperdrive's local connection string points at instead of the database. It models
// deployed Hyperdrive, which sets connections up at the edge near the Worker and keeps warm ones
// near the database (Cloudflare's "How Hyperdrive works"): a connection's startup and
// authentication pass at once, and from the server's first ReadyForQuery on, every chunk in
// either direction waits `oneWayDelayMs`, so each query round trip costs twice that.

import type { AddressInfo } from 'node:net';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';

export interface DistanceProxy {
  port: number;
  close(): Promise<void>;
}

// Requests a client may open with, each answered by a single byte ('S' or 'N'), not a message.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const READY_FOR_QUERY = 0x5a; // 'Z'

export async function startDistanceProxy(
  target: { host: string; port: number },
  oneWayDelayMs: number,
): Promise<DistanceProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    for (const socket of [client, upstream]) {
      // No Nagle: a relayed message leaves when its delay is up, not when the last one was acknowledged.
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let far = false;
    const startup = startupWatcher(() => {
      far = true;
    });
    // Timers of one duration fire in the order they were set: chunks keep their order.
    const relay = (from: Socket, to: Socket, watch: (chunk: Buffer) => void) => {
      from.on('data', (chunk: Buffer) => {
        if (far) return void setTimeout(() => to.write(chunk), oneWayDelayMs);
        watch(chunk);
        to.write(chunk);
      });
      from.once('end', () => (far ? setTimeout(() => to.end(), oneWayDelayMs) : to.end()));
    };
    relay(client, upstream, startup.fromClient);
    relay(upstream, client, startup.fromServer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `onReady` once the server has sent its first ReadyForQuery: the connection is set up. */
function startupWatcher(onReady: () => void) {
  let singleByteAnswers = 0;
  let pending = Buffer.alloc(0);
  let ready = false;
  return {
    fromClient(chunk: Buffer) {
      const code = chunk.length >= 8 && chunk.readInt32BE(0) === 8 ? chunk.readInt32BE(4) : undefined;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) singleByteAnswers++;
    },
    fromServer(chunk: Buffer) {
      if (ready) return;
      pending = Buffer.concat([pending, chunk]);
      for (; singleByteAnswers > 0 && pending.length > 0; singleByteAnswers--) pending = pending.subarray(1);
      // Messages: a type byte, then a length that counts itself but not the type byte.
      while (pending.length >= 5) {
        const end = 1 + pending.readInt32BE(1);
        if (pending.length < end) return;
        if (pending[0] === READY_FOR_QUERY) {
          ready = true;
          return onReady();
        }
        pending = pending.subarray(end);
      }
    },
  };
}
