// The property the webhook sync promises: for any stream of events, duplicated, delivered in
// any order and concurrently, the final state equals the state after applying the stream once,
// in order. Plus the race the property depends on, tested head-on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClerkEnvelope, clerkEvents } from '../../../scripts/lib/clerk-events.ts';
import { timeBudget } from '../../../test/budget.ts';
import { roundTrips, uniqueId } from '../../../test/helpers.ts';
import { deliverAsSvix, syncedState } from '../../../test/webhooks.ts';

describe('concurrent related events', () => {
  // 60 user.created, then 120 racing deliveries, then the state read.
  const budget = timeBudget({ requests: 60 + 120 + 1 });
  it('never leaves a live membership of a user deleted at the same moment (60 racing pairs)', {
    timeout: budget,
  }, async () => {
    const marker = uniqueId('race');
    const pairs = Array.from({ length: 60 }, (_, n) => ({
      userId: `user_${marker}_${n}`,
      membership: {
        id: `orgmem_${marker}_${n}`,
        role: 'org:member',
        updatedAt: 2_000,
        organization: { id: `org_${marker}`, name: 'Race Org', updatedAt: 1_000 },
        user: { id: `user_${marker}_${n}` },
      },
    }));
    // Every user exists first, so the delete has a row to race on.
    for (const { userId } of pairs) {
      await deliverAsSvix(clerkEvents.user('user.created', { id: userId, updatedAt: 1_000 }));
    }
    // All 120 at once. On a busy machine some connections take longer than the Worker's connect
    // timeout; those deliveries answer 503 and are redelivered, as Svix would.
    const results = await Promise.all(
      pairs.flatMap(({ userId, membership }) => [
        deliverAsSvix(clerkEvents.userDeleted(userId, 3_000)),
        deliverAsSvix(clerkEvents.membership('organizationMembership.created', membership)),
      ]),
    );
    expect(results.map((result) => result.response.status)).toEqual(results.map(() => 200));
    // The price of the race: deletes that lost it ran a second time (Server-Timing round trips).
    const trips = results.map((result) => roundTrips(result.response));
    const redelivered = results.reduce((sum, result) => sum + result.redelivered, 0);
    console.log(
      `race: ${trips.length} events, ${trips.reduce((a, b) => a + b, 0)} round trips, ${trips.filter((n) => n > 1).length} retried, ${redelivered} redelivered after a 503`,
    );
    const state = await syncedState(marker);
    expect(state.users.filter((user) => user.deleted_at === null)).toEqual([]);
    expect(state.memberships).toHaveLength(60);
    expect(state.memberships.filter((membership) => membership.deleted_at === null)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// A generated history: a few users, organizations and memberships going through their lives.

type Step = {
  entity: 'user' | 'org' | 'member';
  index: number;
  action: 'upsert' | 'delete';
  bare: boolean;
  tick: number;
  skew: number;
};

const MEMBERS = [
  [0, 0],
  [1, 0],
  [0, 1],
] as const; // (user index, org index) of each membership

const step = fc.record({
  entity: fc.constantFrom('user' as const, 'org' as const, 'member' as const),
  index: fc.nat(2),
  action: fc.constantFrom('upsert' as const, 'upsert' as const, 'delete' as const),
  bare: fc.boolean(),
  tick: fc.constantFrom(0, 1, 7, 500), // 0: equal timestamps, so ties are broken by svix id
  // A delete's envelope timestamp and an update's updated_at are different clocks: a delete
  // may carry a timestamp older than the last update.
  skew: fc.constantFrom(0, 600),
});

/** Turns steps into the events Clerk would send, in the order it would send them. */
function history(marker: string, steps: Step[]): ClerkEnvelope[] {
  let clock = 1_000;
  const alive = {
    user: new Map<number, boolean>(),
    org: new Map<number, boolean>(),
    member: new Map<number, boolean>(),
  };
  const events: ClerkEnvelope[] = [];
  for (const { entity, action, bare, tick, skew, ...rest } of steps) {
    const index = entity === 'member' ? rest.index : rest.index % 2;
    clock += tick;
    const state = alive[entity].get(index);
    if (state === false) continue; // deleted: Clerk sends nothing more about it
    const userId = `user_${marker}_${entity === 'member' ? MEMBERS[index]![0] : index}`;
    const orgId = `org_${marker}_${entity === 'member' ? MEMBERS[index]![1] : index}`;
    if (action === 'delete') {
      if (state === undefined) continue;
      alive[entity].set(index, false);
      const at = clock - skew;
      if (entity === 'user') events.push(clerkEvents.userDeleted(userId, at));
      if (entity === 'org') events.push(clerkEvents.organizationDeleted(orgId, at));
      if (entity === 'member') {
        const id = `orgmem_${marker}_${index}`;
        events.push(
          bare
            ? clerkEvents.membershipDeletedBare(id, at)
            : clerkEvents.membership(
                'organizationMembership.deleted',
                member(id, orgId, userId, clock, 'org:member'),
                at,
              ),
        );
      }
      continue;
    }
    const type = state === undefined ? 'created' : 'updated';
    alive[entity].set(index, true);
    if (entity === 'user') {
      events.push(
        clerkEvents.user(`user.${type}`, {
          id: userId,
          email: `${clock}@example.com`,
          firstName: `F${clock}`,
          createdAt: 1_000,
          updatedAt: clock,
        }),
      );
    } else if (entity === 'org') {
      events.push(
        clerkEvents.organization(`organization.${type}`, {
          id: orgId,
          name: `Org ${clock}`,
          createdAt: 1_000,
          updatedAt: clock,
        }),
      );
    } else {
      const id = `orgmem_${marker}_${index}`;
      events.push(
        clerkEvents.membership(
          `organizationMembership.${type}`,
          member(id, orgId, userId, clock, bare ? 'org:admin' : 'org:member'),
        ),
      );
    }
  }
  return events;
}

function member(id: string, orgId: string, userId: string, clock: number, role: string) {
  return {
    id,
    role,
    createdAt: 1_000,
    updatedAt: clock,
    organization: { id: orgId, name: `Embedded ${clock}`, createdAt: 1_000, updatedAt: clock },
    user: { id: userId, email: `${userId}@example.com`, firstName: `Embedded ${clock}` },
  };
}

/** The same events with another marker: fresh rows and fresh svix ids, same relative order. */
const relabel = (events: ClerkEnvelope[], from: string, to: string): ClerkEnvelope[] =>
  JSON.parse(JSON.stringify(events).replaceAll(from, to));

describe('convergence', () => {
  // 20 runs of at most 24 events, each delivered in order, then again with up to 8 duplicates.
  const budget = timeBudget({ requests: 20 * (24 + 24 + 8 + 2) });
  it('duplicated, shuffled, concurrent delivery ends in the in-order state', { timeout: budget }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 4, maxLength: 24 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        fc.array(fc.nat(23), { maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        async (steps, sortKeys, duplicated, concurrency) => {
          const run = uniqueId('conv');
          const events = history(`${run}A`, steps);
          // Svix ids keep one total order in both runs, so ties break the same way.
          const ids = events.map((_, n) => `msg_${run}A_${String(sortKeys[n]).padStart(12, '0')}_${n}`);

          for (const [n, event] of events.entries()) await deliverAsSvix(event, { svixId: ids[n] });

          const again = relabel(events, `${run}A`, `${run}B`);
          const againIds = ids.map((id) => id.replace(`${run}A`, `${run}B`));
          const deliveries = [...again.keys(), ...duplicated.filter((n) => n < again.length)]
            .map((n, position) => ({ n, key: sortKeys[position % sortKeys.length]! * 31 + position }))
            .sort((a, b) => a.key - b.key)
            .map(({ n }) => n);
          for (let start = 0; start < deliveries.length; start += concurrency) {
            await Promise.all(
              deliveries.slice(start, start + concurrency).map(async (n) => {
                const { response } = await deliverAsSvix(again[n]!, { svixId: againIds[n] });
                expect(response.status).toBe(200);
              }),
            );
          }

          expect(await syncedState(`${run}B`, 'X')).toEqual(await syncedState(`${run}A`, 'X'));
        },
      ),
      { numRuns: 20 },
    );
  });
});
