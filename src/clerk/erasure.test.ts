// Personal-data erasure: after user.deleted (organization.deleted), no table holds that user's
// (organization's) data from any earlier event. Every text, bytea and json column of every table
// is scanned for the values Clerk sent, after a realistic history: created, updated, a membership,
// an ignored email event, deleted. Only what a redelivery needs stays: svix ids, types, outcomes.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import { uniqueId, withTestDb } from '../../test/helpers.ts';
import { deliver, ledgerRows, svixId } from '../../test/webhooks.ts';
import { eraseSpentPayloads } from './ledger.ts';

/** Where in the database any of `values` appears: `table.column` for each hit. */
async function whereStored(values: string[]): Promise<string[]> {
  return withTestDb(async (db) => {
    const columns = await executeRows<{ table_name: string; column_name: string; data_type: string }>(
      db,
      sql`select table_name, column_name, data_type from information_schema.columns
          where table_schema = 'public' and data_type in ('text', 'character varying', 'bytea', 'json', 'jsonb')`,
    );
    const hits: string[] = [];
    for (const { table_name, column_name, data_type } of columns) {
      const column = sql.identifier(column_name);
      const asText = data_type === 'bytea' ? sql`encode(${column}, 'escape')` : sql`${column}::text`;
      for (const value of values) {
        const [row] = await executeRows<{ found: boolean }>(
          db,
          sql`select exists (select from ${sql.identifier(table_name)} where strpos(${asText}, ${value}) > 0) as found`,
        );
        if (row?.found) hits.push(`${table_name}.${column_name} holds ${value}`);
      }
    }
    return hits;
  });
}

describe('personal-data erasure', () => {
  it('leaves none of a deleted user’s data in any table, and a redelivery stays a duplicate', async () => {
    const id = uniqueId('user');
    const personal = {
      email: `${id}@erase.example`,
      firstName: `First${id.slice(-8)}`,
      lastName: `Last${id.slice(-8)}`,
      imageUrl: `https://img.erase.example/${id}.png`,
    };
    const created = clerkEvents.user('user.created', { id, ...personal, updatedAt: 1_000 });
    const createdId = svixId();
    await deliver(created, { svixId: createdId });
    await deliver(
      clerkEvents.user('user.updated', { id, ...personal, firstName: `${personal.firstName}x`, updatedAt: 2_000 }),
    );
    const org = uniqueId('org');
    await deliver(
      clerkEvents.membership('organizationMembership.created', {
        id: uniqueId('orgmem'),
        role: 'org:member',
        updatedAt: 1_500,
        organization: { id: org, name: `Org ${org}`, updatedAt: 1_500 },
        user: { id, email: personal.email, firstName: personal.firstName, lastName: personal.lastName },
      }),
    );
    // An event type the sync ignores, carrying a message to the user (a verification code). The
    // code is this test's own: a fixed number also turns up inside other tests' random svix ids.
    const code = `otp-${id.slice(-8)}`;
    const ignored = await deliver(
      JSON.stringify({
        type: 'email.created',
        object: 'event',
        timestamp: 1_600,
        data: {
          to_email_address: personal.email,
          subject: 'Your code',
          body: `code ${code} for ${personal.firstName}`,
        },
      }),
    );
    expect(ignored.outcome).toBe('ignored');
    expect(await whereStored([personal.email])).toEqual([`users.email holds ${personal.email}`]);

    await deliver(clerkEvents.userDeleted(id, 3_000));
    expect(await whereStored([...Object.values(personal), `${personal.firstName}x`, code])).toEqual([]);

    const again = await deliver(created, { svixId: createdId });
    expect(again.outcome).toBe('duplicate');
    expect(await whereStored([personal.email])).toEqual([]);
    expect(await ledgerRows([createdId])).toMatchObject([{ outcome: 'applied', event_type: 'user.created' }]);
  });

  it('leaves none of a deleted organization’s data in any table', async () => {
    const org = uniqueId('org');
    const data = { name: `Name ${org}`, slug: `slug-${org.slice(-10)}` };
    await deliver(clerkEvents.organization('organization.created', { id: org, ...data, updatedAt: 1_000 }));
    await deliver(
      clerkEvents.membership('organizationMembership.created', {
        id: uniqueId('orgmem'),
        role: 'org:admin',
        updatedAt: 1_100,
        organization: { id: org, ...data, updatedAt: 1_100 },
        user: { id: uniqueId('user') },
      }),
    );
    expect((await whereStored([data.name])).length).toBeGreaterThan(0);
    await deliver(clerkEvents.organizationDeleted(org, 2_000));
    expect(await whereStored(Object.values(data))).toEqual([]);
  });

  it('keeps the payload of a failed delivery until it applies, then drops it', async () => {
    const id = uniqueId('user');
    const email = `${id}@erase.example`;
    const valid = clerkEvents.user('user.created', { id, email, updatedAt: 1_000 });
    const failing = svixId();
    // Malformed (created_at is a string): kept, payload and all, for a replay after a fix.
    await deliver(JSON.stringify({ ...valid, data: { ...valid.data, created_at: 'yesterday' } }), { svixId: failing });
    expect(await whereStored([email])).toEqual([`webhook_events.payload holds ${email}`]);
    // Clerk redelivers it, now valid (as after a fix): applied, and the kept payload is gone.
    await deliver(valid, { svixId: failing });
    expect(await whereStored([email])).toEqual([`users.email holds ${email}`]);
  });

  it('erases payloads kept by earlier releases, in bounded batches (the scheduled job)', async () => {
    const email = `${uniqueId('user')}@legacy.example`;
    const legacy = svixId();
    await withTestDb((db) =>
      db.execute(sql`insert into webhook_events (id, svix_id, event_type, outcome, payload)
        values (gen_random_uuid(), ${legacy}, 'user.updated', 'applied', convert_to(${`{"email":"${email}"}`}, 'utf8'))`),
    );
    expect(await whereStored([email])).toEqual([`webhook_events.payload holds ${email}`]);
    await withTestDb((db) => eraseSpentPayloads(db, { batchSize: 1_000, maxBatches: 50 }));
    expect(await whereStored([email])).toEqual([]);
    expect(await ledgerRows([legacy])).toMatchObject([{ outcome: 'applied' }]);
  });
});
