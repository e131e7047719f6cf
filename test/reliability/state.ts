// The synced state of a set of Clerk ids, and the in-order reference it must equal.
import pg from 'pg';
import { withNodeDb } from '../../scripts/lib/node-db.ts';
import { processDelivery } from '../../src/webhooks/clerk/process.ts';
import type { Delivery } from './history.ts';

export interface SyncedState {
  users: Record<string, unknown>[];
  organizations: Record<string, unknown>[];
  memberships: Record<string, unknown>[];
}

/**
 * Everything the sync stored for Clerk ids containing `marker` (the columns of
 * test/webhooks.ts's syncedState: data, source version, winning svix id, placeholder flag,
 * tombstone), with generated uuids replaced by Clerk ids and `marker` by `as`, so two runs over
 * different ids compare.
 */
export async function syncedState(databaseUrl: string, marker: string, as = marker): Promise<SyncedState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const like = `%${marker}%`;
  const norm = (rows: unknown[]) =>
    JSON.parse(JSON.stringify(rows).replaceAll(marker, as)) as Record<string, unknown>[];
  try {
    const users = await client.query(
      `select clerk_user_id, email, first_name, last_name, image_url, clerk_created_at::text, clerk_updated_at::text,
         source_version::text, source_event_id, is_placeholder, deleted_at::text
       from users where clerk_user_id like $1 order by clerk_user_id`,
      [like],
    );
    const organizations = await client.query(
      `select clerk_org_id, name, slug, image_url, clerk_created_at::text, clerk_updated_at::text,
         source_version::text, source_event_id, is_placeholder, deleted_at::text
       from organizations where clerk_org_id like $1 order by clerk_org_id`,
      [like],
    );
    const memberships = await client.query(
      `select m.clerk_membership_id, o.clerk_org_id, u.clerk_user_id, m.role, m.clerk_created_at::text,
         m.clerk_updated_at::text, m.source_version::text, m.source_event_id, m.deleted_at::text
       from organization_memberships m
       left join organizations o on o.id = m.organization_id
       left join users u on u.id = m.user_id
       where m.clerk_membership_id like $1 order by m.clerk_membership_id`,
      [like],
    );
    return { users: norm(users.rows), organizations: norm(organizations.rows), memberships: norm(memberships.rows) };
  } finally {
    await client.end();
  }
}

/**
 * The in-order result: each delivery once, in emission order, through the Worker's own
 * processDelivery (the code behind POST /webhooks/clerk), run in Node on one connection, as
 * `npm run webhooks:replay` runs it. Fast enough for thousands of events.
 */
export async function applyInOrder(databaseUrl: string, deliveries: Delivery[]): Promise<void> {
  const ordered = [...deliveries].sort((a, b) => a.sequence - b.sequence);
  await withNodeDb(databaseUrl, async (db) => {
    for (const delivery of ordered) {
      const result = await processDelivery(db, delivery.svixId, new TextEncoder().encode(delivery.body));
      if ('failed' in result) throw new Error(`reference run: ${delivery.svixId} failed: ${result.failed}`);
    }
  });
}

/** Rows that differ between two states (compared as JSON, row by row, per table). */
export function differences(actual: SyncedState, expected: SyncedState): { table: string; key: string }[] {
  const found: { table: string; key: string }[] = [];
  for (const table of ['users', 'organizations', 'memberships'] as const) {
    const keyOf = (row: Record<string, unknown>) => String(Object.values(row)[0]);
    const expectedRows = new Map(expected[table].map((row) => [keyOf(row), JSON.stringify(row)]));
    const actualRows = new Map(actual[table].map((row) => [keyOf(row), JSON.stringify(row)]));
    for (const key of new Set([...expectedRows.keys(), ...actualRows.keys()])) {
      if (expectedRows.get(key) !== actualRows.get(key)) found.push({ table, key });
    }
  }
  return found;
}

/** Ledger rows (one per svix id) whose id contains `marker`, by outcome. */
export async function ledgerOutcomes(databaseUrl: string, marker: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from webhook_events where svix_id like $1 group by outcome order by outcome`,
      [`%${marker}%`],
    );
    return Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
  } finally {
    await client.end();
  }
}
