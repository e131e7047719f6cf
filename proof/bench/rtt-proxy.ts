// Distance between the Worker and PostgreSQL on the pg driver (`npm run bench -- --rtt N`): a
// proxy that Hyperdrive's local connection string points at instead of the database. It models
// deployed Hyperdrive (Cloudflare's "How Hyperdrive works"), which answers a connection's startup
// at the edge near the Worker and runs its queries on warm, pooled connections near the database.
// Locally, wrangler's Hyperdrive opens a new PostgreSQL connection for every request; a new
// backend (process start, authentication, cold catalog caches) costs tens of milliseconds that
// deployed Hyperdrive never pays per request, and that would hide the distance this measures.
//
// So, like Hyperdrive, this is a transaction pooler: a client's startup is answered at once (the
// first one per database is relayed to a new server connection, whose answer is remembered); its
// messages then go to an idle server connection, each chunk waiting `oneWayDelayMs` in either
// direction, so each query round trip costs twice that; when the client terminates with its
// server connection idle, that connection goes back to the pool for the next client.

import type { AddressInfo } from 'node:net';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';

export interface DistanceProxy {
  port: number;
  close(): Promise<void>;
}

// Requests a client may open with, each answered by a single byte, not a message.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const AUTHENTICATION = 0x52; // 'R'
const READY_FOR_QUERY = 0x5a; // 'Z'
const QUERY = 0x51; // 'Q': simple query, answered by one ReadyForQuery
const SYNC = 0x53; // 'S': ends an extended-protocol batch, answered by one ReadyForQuery
const TERMINATE = 0x58; // 'X'

/** A server connection past its startup, idle between clients. */
interface Warm {
  socket: Socket;
  /** The server's answer to the startup from AuthenticationOk to its first ReadyForQuery. */
  greeting: Buffer;
}

export async function startDistanceProxy(
  target: { host: string; port: number },
  oneWayDelayMs: number,
): Promise<DistanceProxy> {
  const sockets = new Set<Socket>();
  // Idle server connections by startup message (user, database, options).
  const idle = new Map<string, Warm[]>();
  const poolOf = (key: string) => idle.get(key) ?? idle.set(key, []).get(key)!;
  const track = (socket: Socket) => {
    // No Nagle: a relayed message leaves when its delay is up, not when the last one was acknowledged.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const later = (action: () => void) => setTimeout(action, oneWayDelayMs);

  const server = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    const startup = new MessageReader(true);
    client.on('data', function readStartup(chunk: Buffer) {
      startup.push(chunk);
      for (let message = startup.next(); message; message = startup.next()) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          client.write('N'); // not offered: the conversation stays plain, as on loopback
          continue;
        }
        client.off('data', readStartup);
        const rest = startup.rest();
        if (code === CANCEL_REQUEST) return relayRaw(client, Buffer.concat([message, rest]));
        const key = message.subarray(8).toString('latin1');
        let warm = poolOf(key).pop();
        while (warm?.socket.destroyed) warm = poolOf(key).pop(); // the server closed it while idle
        if (warm) {
          client.write(warm.greeting);
          return session(client, warm.socket, key, warm.greeting, rest);
        }
        return connectFresh(client, key, message, rest);
      }
    });
  });

  // A cancel request goes to the server on its own connection, as PostgreSQL expects.
  function relayRaw(client: Socket, first: Buffer) {
    const upstream = track(tcpConnect(target.port, target.host));
    upstream.on('error', () => client.destroy());
    upstream.write(first);
    client.pipe(upstream).pipe(client);
  }

  // No idle connection: the client's startup and authentication go to a new one, undelayed (a
  // deployed Hyperdrive opens its pool's connections ahead of time), and its greeting is kept.
  function connectFresh(client: Socket, key: string, startupMessage: Buffer, rest: Buffer) {
    const upstream = track(tcpConnect(target.port, target.host));
    upstream.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
    upstream.write(startupMessage);
    const fromServer = new MessageReader(false);
    const greeting: Buffer[] = [];
    let authenticated = false;
    const onClient = (chunk: Buffer) => upstream.write(chunk);
    client.on('data', onClient);
    if (rest.length > 0) upstream.write(rest);
    upstream.on('data', function readGreeting(chunk: Buffer) {
      fromServer.push(chunk);
      for (let message = fromServer.next(); message; message = fromServer.next()) {
        client.write(message);
        if (message[0] === AUTHENTICATION && message.readInt32BE(5) === 0) authenticated = true;
        if (authenticated) greeting.push(message);
        if (message[0] !== READY_FOR_QUERY) continue;
        upstream.off('data', readGreeting);
        client.off('data', onClient);
        return session(client, upstream, key, Buffer.concat(greeting), fromServer.rest());
      }
    });
  }

  // The client's queries, at the distance, on `upstream` until the client terminates.
  function session(client: Socket, upstream: Socket, key: string, greeting: Buffer, early: Buffer) {
    const fromClient = new MessageReader(false);
    const fromServer = new MessageReader(false);
    let awaiting = 0; // ReadyForQuery answers still to come
    let inFlight = 0; // client chunks still waiting out their delay
    let idleStatus = true;
    let done = false;
    // The client is gone (Terminate, or its socket closed): the server connection goes back to the
    // pool if nothing is under way on it and no transaction is open, else it is closed.
    const finish = () => {
      if (done) return;
      done = true;
      client.off('data', onClient);
      upstream.off('data', onServer);
      upstream.off('close', onServerClose);
      client.end();
      if (awaiting === 0 && inFlight === 0 && idleStatus && !upstream.destroyed) {
        poolOf(key).push({ socket: upstream, greeting });
      } else upstream.destroy();
    };
    const onClient = (chunk: Buffer) => {
      fromClient.push(chunk);
      const messages = [...fromClient.all()];
      const forward = messages.filter((message) => message[0] !== TERMINATE);
      awaiting += forward.filter((message) => message[0] === QUERY || message[0] === SYNC).length;
      if (forward.length > 0) {
        inFlight++;
        later(() => {
          inFlight--;
          if (!upstream.destroyed) upstream.write(Buffer.concat(forward));
        });
      }
      if (forward.length < messages.length) finish();
    };
    const onServer = (chunk: Buffer) => {
      fromServer.push(chunk);
      for (const message of fromServer.all()) {
        if (message[0] === READY_FOR_QUERY) {
          awaiting--;
          idleStatus = message[5] === 0x49; // 'I': not inside a transaction
        }
      }
      later(() => {
        if (!client.destroyed) client.write(chunk);
      });
    };
    const onServerClose = () => later(() => client.destroy());
    client.on('data', onClient);
    client.once('close', finish);
    upstream.on('data', onServer);
    upstream.once('close', onServerClose);
    if (early.length > 0) onClient(early);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      idle.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Splits a PostgreSQL byte stream into whole messages: a type byte, then a length that counts
 * itself but not the type byte; a client's first messages (startup, SSL and cancel requests) have
 * no type byte.
 */
class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly untyped: boolean;
  constructor(untyped: boolean) {
    this.untyped = untyped;
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The next whole message, if one has arrived. */
  next(): Buffer | undefined {
    const header = this.untyped ? 0 : 1;
    if (this.pending.length < header + 4) return undefined;
    const end = header + this.pending.readInt32BE(header);
    if (this.pending.length < end) return undefined;
    const message = this.pending.subarray(0, end);
    this.pending = this.pending.subarray(end);
    return message;
  }

  *all(): Generator<Buffer> {
    for (let message = this.next(); message; message = this.next()) yield message;
  }

  /** What came after the last whole message read. */
  rest(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
