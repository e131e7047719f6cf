// The synced state of a set of Clerk ids, and the in-order reference it must equal.

import { withNodeDb } from '../../scripts/lib/node-db.ts';
import { withPgClient } from '../../scripts/lib/pg-client.ts';
import { processDelivery } from '../../src/clerk/deliveries.ts';
import { readSyncedState, type SyncedState } from '../../test/synced-state.ts';
import type { Delivery } from './history.ts';

/** The synced state of Clerk ids containing `marker` (see test/synced-state.ts). */
export function syncedState(databaseUrl: string, marker: string, as = marker): Promise<SyncedState> {
  return withNodeDb(databaseUrl, (db) => readSyncedState(db, marker, as));
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
  return withPgClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ outcome: string; n: number }>(
      `select outcome, count(*)::int as n from webhook_events where svix_id like $1 group by outcome order by outcome`,
      [`%${marker}%`],
    );
    return Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
  });
}
