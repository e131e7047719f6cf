// The local Neon SQL-over-HTTP endpoint, exercised with the real @neondatabase/serverless client
// against the real PostgreSQL from test/global-setup.ts.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { timeBudget } from '../test/budget.ts';
import { freePort } from './lib/local-postgres.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { MAX_BODY_BYTES, type NeonHttpServer, postgresServerOf, startNeonHttpServer } from './neon-http-server.ts';

const databaseUrl = inject('databaseUrl');
const sql = neon(databaseUrl);
// Unique per run, so parallel runs and other test files never share rows.
const users = `neon_http_users_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const ident = (name: string) => sql.unsafe(`"${name}"`);

let server: NeonHttpServer;

beforeAll(async () => {
  server = await startNeonHttpServer({ postgres: postgresServerOf(databaseUrl) });
  neonConfig.fetchEndpoint = server.url;
  await sql`create table ${ident(users)} (id serial primary key, email text not null unique, created_at timestamptz)`;
});

afterAll(async () => {
  await sql`drop table if exists ${ident(users)}`.catch(() => {});
  await server?.close();
});

describe('values (raw text parsed by the driver)', () => {
  it('parses timestamp and timestamptz to Date and round-trips a Date parameter', async () => {
    const when = new Date('2024-05-06T07:08:09.123Z');
    const [row] = await sql`
      select '2024-01-02 03:04:05+02'::timestamptz as tstz,
             '2024-01-02 03:04:05'::timestamp as ts,
             ${when}::timestamptz as param`;
    expect(row?.tstz).toEqual(new Date('2024-01-02T01:04:05.000Z'));
    expect(row?.ts).toBeInstanceOf(Date); // local time, as pg parses it
    expect(row?.param).toEqual(when);
  });

  it('parses json and jsonb, including object parameters', async () => {
    const [row] = await sql`
      select '{"a":[1,2,{"b":null}]}'::json as j,
             ${{ nested: { ok: true }, list: ['x'] }}::jsonb as jb`;
    expect(row?.j).toEqual({ a: [1, 2, { b: null }] });
    expect(row?.jb).toEqual({ nested: { ok: true }, list: ['x'] });
  });

  it('parses int[] and text[] and accepts array parameters', async () => {
    const [row] = await sql`
      select array[1, 2, 3]::int[] as ints,
             array['a', 'b,c', 'with "quotes"', null]::text[] as texts,
             ${[4, 5]}::int[] as param`;
    expect(row).toEqual({ ints: [1, 2, 3], texts: ['a', 'b,c', 'with "quotes"', null], param: [4, 5] });
  });

  it('returns int8 and numeric as strings (no precision loss)', async () => {
    const [row] =
      await sql`select 9007199254740993::int8 as big, 12345678901234567890.010::numeric as num, 42::int4 as small`;
    expect(row).toEqual({ big: '9007199254740993', num: '12345678901234567890.010', small: 42 });
  });

  it('round-trips bytea', async () => {
    // The driver sends a Buffer parameter as '\\x0001ff' text and parses bytea back to a Buffer.
    const [row] = await sql`select ${Buffer.from([0, 1, 255])}::bytea as b, decode('cafe', 'hex') as literal`;
    expect(row?.b).toEqual(Buffer.from([0, 1, 255]));
    expect(row?.literal).toEqual(Buffer.from([0xca, 0xfe]));
  });

  it('keeps NULL as null and parses booleans', async () => {
    const [row] = await sql`select null::int as n, ${null}::text as p, true as t, false as f, ${true}::boolean as pb`;
    expect(row).toEqual({ n: null, p: null, t: true, f: false, pb: true });
  });
});

describe('result shapes', () => {
  it('returns fields, command and rowCount with fullResults', async () => {
    const select = await sql.query('select 1::int4 as one, $1::text as two', ['x'], { fullResults: true });
    expect(select.command).toBe('SELECT');
    expect(select.rowCount).toBe(1);
    expect(select.rows).toEqual([{ one: 1, two: 'x' }]);
    expect(select.fields).toEqual([
      expect.objectContaining({ name: 'one', dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1, format: 'text' }),
      expect.objectContaining({ name: 'two', dataTypeID: 25, tableID: 0, columnID: 0 }),
    ]);

    const insert = await sql.query(
      `insert into "${users}" (email) values ($1), ($2)`,
      [`a-${users}@example.com`, `b-${users}@example.com`],
      { fullResults: true },
    );
    expect(insert).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [], fields: [] });

    const del = await sql.query(`delete from "${users}" where email like $1`, [`%-${users}@example.com`], {
      fullResults: true,
    });
    expect(del).toMatchObject({ command: 'DELETE', rowCount: 2 });
  });

  it('returns rows as arrays in arrayMode', async () => {
    const arrays = neon(databaseUrl, { arrayMode: true });
    expect(await arrays`select 1 as a, 'x' as a`).toEqual([[1, 'x']]);
    const full = await sql.query('select 2 as b', [], { arrayMode: true, fullResults: true });
    expect(full.rows).toEqual([[2]]);
    expect(full.rowAsArray).toBe(true);
  });
});

describe('errors', () => {
  it('surfaces a unique violation with its code and constraint', async () => {
    const email = `dup-${users}@example.com`;
    await sql`insert into ${ident(users)} (email) values (${email})`;
    const error = await sql`insert into ${ident(users)} (email) values (${email})`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({
      code: '23505',
      constraint: `${users}_email_key`,
      table: users,
      schema: 'public',
      severity: 'ERROR',
      detail: expect.stringContaining(email),
    });
  });

  it('reports the position of a syntax error', async () => {
    const error = await sql.query('select 1 fro nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: '42601', position: '14' });
  });

  it('rejects several statements in one query, as Neon does', async () => {
    await expect(sql.query('select 1; select 2')).rejects.toMatchObject({ code: '42601' });
  });

  it('answers 5xx when Postgres is unreachable', async () => {
    const closed = { host: '127.0.0.1', port: await freePort() };
    await withEndpointFor(closed, async () => {
      const unreachable = neon(`postgresql://nobody:secret@127.0.0.1:${closed.port}/nowhere`);
      await expect(unreachable`select 1`).rejects.toThrow(/Server error \(HTTP status 502\)/);
    });
  });

  it('passes on errors Postgres reports while connecting', async () => {
    const url = new URL(databaseUrl);
    url.password = 'definitely-wrong';
    await expect(neon(url.href)`select 1`).rejects.toMatchObject({ code: '28P01' });
  });

  it('answers 400 with a message to malformed requests', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(server.url, { method: 'POST', headers, body });
    const noConnection = await post({}, '{"query":"select 1","params":[]}');
    expect(noConnection.status).toBe(400);
    expect(await noConnection.json()).toEqual({ message: expect.stringContaining('Neon-Connection-String') });
    const badJson = await post({ 'Neon-Connection-String': databaseUrl }, '{not json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ message: expect.stringContaining('JSON') });
  });
});

describe('transactions (batches)', () => {
  it('runs a batch in one transaction and returns every result', async () => {
    const email = `tx-${users}@example.com`;
    const [inserted, count, txids] = await sql.transaction((tx) => [
      tx`insert into ${ident(users)} (email) values (${email}) returning email`,
      tx`select count(*)::int as n from ${ident(users)} where email = ${email}`,
      tx`select txid_current() = txid_current() as same, txid_current() as id`,
    ]);
    expect(inserted).toEqual([{ email }]);
    expect(count).toEqual([{ n: 1 }]);
    expect(txids?.[0]?.same).toBe(true);
  });

  it('gives each query of a batch its own arrayMode and fullResults', async () => {
    // Drizzle batches rely on this; the driver's types do not model mixed options, hence the cast.
    const queries = [
      sql`select 1 as x`,
      sql.query('select 2 as y', [], { arrayMode: true }),
      sql.query('select 3 as z', [], { fullResults: true }),
    ] as unknown as ReturnType<typeof sql>[];
    const [plain, arrays, full] = await sql.transaction(queries);
    expect(plain).toEqual([{ x: 1 }]);
    expect(arrays).toEqual([[2]]);
    expect(full).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [{ z: 3 }] });
  });

  it('rolls back the whole batch when a query fails halfway', async () => {
    const first = `rollback-1-${users}@example.com`;
    const taken = `rollback-taken-${users}@example.com`;
    await sql`insert into ${ident(users)} (email) values (${taken})`;
    await expect(
      sql.transaction([
        sql`insert into ${ident(users)} (email) values (${first})`,
        sql`insert into ${ident(users)} (email) values (${taken})`,
        sql`select 1`,
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await sql`select email from ${ident(users)} where email = ${first}`).toEqual([]);
  });

  it('applies isolationLevel, readOnly and deferrable', async () => {
    const settings = await sql.transaction(
      [sql`show transaction_isolation`, sql`show transaction_read_only`, sql`show transaction_deferrable`],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect(settings).toEqual([
      [{ transaction_isolation: 'serializable' }],
      [{ transaction_read_only: 'on' }],
      [{ transaction_deferrable: 'on' }],
    ]);

    const defaults = await sql.transaction([sql`show transaction_isolation`, sql`show transaction_read_only`]);
    expect(defaults).toEqual([[{ transaction_isolation: 'read committed' }], [{ transaction_read_only: 'off' }]]);
  });

  it('rejects writes in a readOnly batch with 25006', async () => {
    const email = `readonly-${users}@example.com`;
    await expect(
      sql.transaction([sql`insert into ${ident(users)} (email) values (${email})`], { readOnly: true }),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await sql`select 1 from ${ident(users)} where email = ${email}`).toEqual([]);
  });
});

/** Runs `work` with the driver pointed at another endpoint, fronting `postgres`. */
async function withEndpointFor(
  postgres: { host: string; port: number },
  work: (url: string) => Promise<void>,
  options: { oneWayDelayMs?: number } = {},
) {
  const other = await startNeonHttpServer({ postgres, ...options });
  neonConfig.fetchEndpoint = other.url;
  try {
    await work(other.url);
  } finally {
    neonConfig.fetchEndpoint = server.url;
    await other.close();
  }
}

interface RawResponse {
  status: number;
  body: string;
}

/**
 * A POST through node:http, which sends any Host header and streams a body without
 * Content-Length (chunked). Resolves with the answer even when the server closes the connection
 * before the whole body was sent.
 */
function rawPost(
  url: string,
  options: { host?: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        setHost: options.host === undefined,
        headers: { ...(options.host === undefined ? {} : { host: options.host }), ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    // Writing after the server answered and closed fails with EPIPE/ECONNRESET; the answer counts.
    req.on('error', (error) => setTimeout(() => reject(error), 1_000));
    (async () => {
      for (const chunk of options.chunks ?? [Buffer.from('{"query":"select 1","params":[]}')]) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((resume) => req.once('drain', resume).once('close', resume));
      }
      req.end();
    })();
  });
}

/** A body asking for the length of a `size`-character parameter, in 64 KiB chunks. */
function selectLengthBody(size: number): Buffer[] {
  const head = Buffer.from('{"query":"select length($1::text) as n","params":["');
  const tail = Buffer.from('"]}');
  const filler = size - head.length - tail.length;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const chunks = [head];
  for (let left = filler; left > 0; left -= chunk.length)
    chunks.push(left >= chunk.length ? chunk : chunk.subarray(0, left));
  chunks.push(tail);
  return chunks;
}

describe('distance (npm run bench -- --rtt)', () => {
  it('answers each request two one-way delays later', async () => {
    await withEndpointFor(
      postgresServerOf(databaseUrl),
      async () => {
        for (let n = 0; n < 2; n++) {
          const started = performance.now();
          expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
          expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150);
        }
      },
      { oneWayDelayMs: 150 },
    );
  });
});

describe('a dev tool, not a door', () => {
  it("listens on 127.0.0.1, not on the machine's other addresses", async () => {
    const { port, hostname } = new URL(server.url);
    expect(hostname).toBe('127.0.0.1');
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);
    for (const address of external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), address);
        socket.once('connect', () => {
          socket.destroy();
          resolve(`connected through ${address}`);
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });

  it('has no option to listen anywhere else', { timeout: timeBudget({ processes: 1 }) }, async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(PROJECT_ROOT, 'scripts/neon-http-server.ts'), '--postgres', '127.0.0.1:5432', '--host', '0.0.0.0'],
        { timeout: timeBudget({ processes: 1 }) },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
      );
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--host'");
  });

  it('answers only requests addressed to 127.0.0.1, localhost or [::1] with its port (DNS rebinding)', async () => {
    const { port } = new URL(server.url);
    const headers = { 'neon-connection-string': databaseUrl };
    for (const host of [
      `attacker.example:${port}`,
      '127.0.0.1',
      `127.0.0.1:${Number(port) + 1}`,
      `127.0.0.1.nip.io:${port}`,
    ]) {
      const refused = await rawPost(server.url, { host, headers });
      expect({ host, status: refused.status }).toEqual({ host, status: 421 });
      expect(JSON.parse(refused.body).message).toContain('DNS rebinding');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const answered = await rawPost(server.url, { host, headers });
      expect({ host, status: answered.status }).toEqual({ host, status: 200 });
    }
  });

  it('refuses connection strings for any other PostgreSQL server', async () => {
    // An endpoint fronting a closed port is asked for the live test database: it must not go there.
    const closed = { host: '127.0.0.1', port: await freePort() };
    await withEndpointFor(closed, async (url) => {
      const elsewhere = await rawPost(url, { headers: { 'neon-connection-string': databaseUrl } });
      expect(elsewhere.status).toBe(403);
      expect(JSON.parse(elsewhere.body).message).toBe(
        `This endpoint fronts only the PostgreSQL server at 127.0.0.1:${closed.port}, not ${new URL(databaseUrl).host}`,
      );
      // The same server named by pg's query parameters instead of the URL's host and port.
      const live = postgresServerOf(databaseUrl);
      const smuggled = new URL(databaseUrl);
      smuggled.host = `127.0.0.1:${closed.port}`;
      smuggled.search = `?host=${live.host}&port=${live.port}`;
      const redirected = await rawPost(url, { headers: { 'neon-connection-string': smuggled.href } });
      expect(redirected.status).toBe(403);
      expect(JSON.parse(redirected.body).message).toContain('"host" is not accepted');
    });
    // Files pg would read for TLS are refused too.
    const withFile = new URL(databaseUrl);
    withFile.search = '?sslmode=verify-full&sslrootcert=/etc/passwd';
    const file = await rawPost(server.url, { headers: { 'neon-connection-string': withFile.href } });
    expect(file.status).toBe(403);
    expect(JSON.parse(file.body).message).toContain('"sslrootcert" is not accepted');
  });

  it(`accepts a body of ${MAX_BODY_BYTES} bytes`, async () => {
    const response = await rawPost(server.url, {
      headers: { 'neon-connection-string': databaseUrl },
      chunks: selectLengthBody(MAX_BODY_BYTES),
    });
    expect(response.status).toBe(200);
  });

  it('answers 413 to a larger body, counted as it arrives (no or a false Content-Length)', async () => {
    const headers = { 'neon-connection-string': databaseUrl };
    const chunked = await rawPost(server.url, { headers, chunks: selectLengthBody(MAX_BODY_BYTES + 1) });
    expect(chunked).toEqual({
      status: 413,
      body: JSON.stringify({ message: `Request body larger than ${MAX_BODY_BYTES} bytes` }),
    });
    // Declared up front: refused before a byte of the body is read.
    const declared = await rawPost(server.url, {
      headers: { ...headers, 'content-length': String(MAX_BODY_BYTES + 1) },
      chunks: [Buffer.from('{')],
    });
    expect(declared.status).toBe(413);
    // The endpoint still serves the next request.
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });
});
