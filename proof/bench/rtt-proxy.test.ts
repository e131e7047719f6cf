// The distance proxy behind `npm run bench -- --rtt`, with real pg clients and the test PostgreSQL:
// each query round trip waits twice the one-way delay, a connection's startup does not, and a
// server connection goes back to the pool only when nothing is left under way on it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withPgClient } from '../../scripts/lib/pg-client.ts';
import { timeBudget } from '../../test/budget.ts';
import { type DistanceProxy, startDistanceProxy } from './rtt-proxy.ts';

const ONE_WAY_MS = 50;

describe('the distance proxy', { timeout: timeBudget({ requests: 20 }) }, () => {
  let proxy: DistanceProxy;
  let url: string;
  beforeAll(async () => {
    const direct = new URL(inject('databaseUrl'));
    proxy = await startDistanceProxy({ host: direct.hostname, port: Number(direct.port) }, ONE_WAY_MS);
    direct.port = String(proxy.port);
    url = direct.href;
  });
  afterAll(() => proxy.close());

  /** Opens a client through the proxy; what `work` returns, and how long its connect took. */
  const throughProxy = async <T>(work: (query: (text: string) => Promise<unknown[]>) => Promise<T>) => {
    const started = performance.now();
    let connectMs = 0;
    const result = await withPgClient(url, async (client) => {
      connectMs = performance.now() - started;
      return work(async (text) => (await client.query(text)).rows);
    });
    return { result, connectMs };
  };
  const backendPid = async (query: (text: string) => Promise<unknown[]>) =>
    ((await query('select pg_backend_pid() as pid')) as { pid: number }[])[0]!.pid;

  it('delays every query round trip by twice the one-way delay, and a warm connection startup not at all', async () => {
    const first = await throughProxy(async (query) => {
      const started = performance.now();
      const pid = await backendPid(query);
      return { pid, queryMs: performance.now() - started };
    });
    expect(first.result.queryMs).toBeGreaterThanOrEqual(2 * ONE_WAY_MS);

    const second = await throughProxy(async (query) => {
      const started = performance.now();
      const pid = await backendPid(query);
      await query('select 1');
      return { pid, twoQueriesMs: performance.now() - started };
    });
    // The same server connection, pooled: this client's startup was answered by the proxy.
    expect(second.result.pid).toBe(first.result.pid);
    expect(second.connectMs).toBeLessThan(2 * ONE_WAY_MS);
    expect(second.result.twoQueriesMs).toBeGreaterThanOrEqual(4 * ONE_WAY_MS);
  });

  it('does not pool a connection its client left inside a transaction', async () => {
    const inside = await throughProxy(async (query) => {
      await query('begin');
      await query("select set_config('application_name', 'left-open', true)");
      return backendPid(query);
    });
    const next = await throughProxy(async (query) => {
      const rows = (await query("select pg_backend_pid() as pid, current_setting('application_name') as name")) as {
        pid: number;
        name: string;
      }[];
      return rows[0]!;
    });
    expect(next.result.pid).not.toBe(inside.result);
    expect(next.result.name).not.toBe('left-open');
  });

  it('serves clients at once on separate server connections', async () => {
    const pids = await Promise.all(
      [1, 2, 3].map(() =>
        throughProxy(async (query) => {
          const pid = await backendPid(query);
          await query('select pg_sleep(0.05)');
          return pid;
        }),
      ),
    );
    expect(new Set(pids.map((run) => run.result)).size).toBe(3);
  });
});
