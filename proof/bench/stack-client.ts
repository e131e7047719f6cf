// Talking to a running local stack from Node: signed webhook deliveries, authenticated calls,
// Server-Timing round trips, and the server-side views the benchmark and the reliability suite
// read (pg_stat_statements, pg_stat_activity, row counts).
import pg from 'pg';
import { type ClerkEnvelope, signDelivery } from '../../scripts/lib/clerk-events.ts';
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import { withPgClient } from '../../scripts/lib/pg-client.ts';

export interface Delivered {
  status: number;
  outcome: string | undefined;
  body: string;
}

/** Signs (fresh timestamp) and posts one delivery, as Svix does. */
export async function deliver(
  stack: Pick<LocalStack, 'url' | 'webhookSecret'>,
  event: ClerkEnvelope | string,
  svixId?: string,
): Promise<Delivered> {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signed = signDelivery(stack.webhookSecret, body, svixId ? { svixId } : {});
  const response = await fetch(`${stack.url}/webhooks/clerk`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const outcome = response.ok ? (JSON.parse(text) as { outcome?: string }).outcome : undefined;
  return { status: response.status, outcome, body: text };
}

/** Database round trips the Worker reported for a response (Server-Timing). */
export function roundTripsOf(response: Response): number | undefined {
  const match = /db;dur=[\d.]+;desc="(\d+) round trips"/.exec(response.headers.get('server-timing') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/** An observer connection to the stack's server (its `postgres` database, not the app's). */
export class PostgresObserver {
  private readonly client: pg.Client;
  private constructor(client: pg.Client) {
    this.client = client;
  }

  static async connect(adminUrl: string): Promise<PostgresObserver> {
    const client = new pg.Client({ connectionString: adminUrl, application_name: 'observer' });
    client.on('error', () => {});
    await client.connect();
    return new PostgresObserver(client);
  }

  async resetStatements(): Promise<void> {
    await this.client.query('select pg_stat_statements_reset()');
  }

  /** Statements executed in `database` since the last reset (pg_stat_statements `calls`). */
  async statementCalls(database: string): Promise<number> {
    const { rows } = await this.client.query<{ calls: string | null }>(
      `select sum(calls)::text as calls from pg_stat_statements
       where dbid = (select oid from pg_database where datname = $1)`,
      [database],
    );
    return Number(rows[0]?.calls ?? 0);
  }

  /** Client connections to `database` (from pg_stat_activity), whatever their state. */
  async connections(database: string): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
      [database],
    );
    return rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

export const databaseName = (url: string) => new URL(url).pathname.slice(1);

/** Row counts of every table the API writes. */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  return withPgClient(databaseUrl, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of ['users', 'organizations', 'organization_memberships', 'projects', 'webhook_events']) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      counts[table] = rows[0]!.n;
    }
    return counts;
  });
}
