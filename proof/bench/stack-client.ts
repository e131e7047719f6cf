// Talking to a running local stack from Node: signed webhook deliveries, the Worker as the
// resources' proof code sees it, and the server-side views the benchmark and the reliability
// suite read (pg_stat_statements, pg_stat_activity, row counts).
import pg from 'pg';
import { type ClerkEnvelope, clerkEvents, signDelivery } from '../../scripts/lib/clerk-events.ts';
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import { withPgClient } from '../../scripts/lib/pg-client.ts';
import type { ProofApi } from '../../scripts/lib/resource-proof.ts';

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

/** The Worker as a resource's proof code sees it (scripts/lib/resource-proof.ts); users named `user_<marker>_<name>`. */
export function proofApi(stack: LocalStack, marker: string): ProofApi {
  return {
    fetch: (path, init) => fetch(`${stack.url}${path}`, { signal: AbortSignal.timeout(30_000), ...init }),
    signUp: async (name, options = {}) => {
      const id = `user_${marker}_${name}`;
      const { status, body } = await deliver(
        stack,
        clerkEvents.user('user.created', { id, email: `${id}@example.com`, firstName: 'Proof', updatedAt: Date.now() }),
      );
      if (status !== 200) throw new Error(`signing up ${id}: the webhook answered ${status} ${body.slice(0, 200)}`);
      const organization = options.organization ? { id: `org_${marker}_${name}`, role: 'org:admin' } : undefined;
      return stack.sessionToken({ sub: id, organization });
    },
  };
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

/** Row counts of every table in the app's schema (the migrations' bookkeeping is in another). */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  return withPgClient(databaseUrl, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from "${name}"`);
      counts[name] = rows[0]!.n;
    }
    return counts;
  });
}
