// Generated Clerk histories for the webhook checks: users, organizations and memberships being
// created, updated and deleted, emitted in the order Clerk would emit them. Deterministic for a
// given seed, so a failing run can be replayed.

import { type ClerkEnvelope, clerkEvents } from '../../scripts/lib/clerk-events.ts';
import { shuffle } from '../bench/scenarios.ts';

export interface Delivery {
  /** Emission order: the in-order reference applies deliveries sorted by it. */
  sequence: number;
  svixId: string;
  body: string;
}

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Life = 'live' | 'deleted';

/**
 * `events` events over `users` users, `users / 20` organizations and `users / 2` memberships.
 * Clocks move forward by 0–2 ms per event, so equal versions happen and are broken by svix id
 * (ids sort in emission order). Deleted entities get no further events, and memberships of a
 * deleted user or organization get none either, as with Clerk. Ids contain `marker`.
 */
export function clerkHistory(marker: string, options: { events: number; users: number; seed: number }): Delivery[] {
  const random = seededRandom(options.seed);
  const int = (below: number) => Math.floor(random() * below);
  const counts = {
    user: options.users,
    org: Math.max(1, Math.round(options.users / 20)),
    member: Math.round(options.users / 2),
  };
  const life = { user: new Map<number, Life>(), org: new Map<number, Life>(), member: new Map<number, Life>() };
  const userOf = (member: number) => (member * 7) % counts.user;
  const orgOf = (member: number) => member % counts.org;
  const userId = (n: number) => `user_${marker}_${n}`;
  const orgId = (n: number) => `org_${marker}_${n}`;
  const memberId = (n: number) => `orgmem_${marker}_${n}`;

  let clock = 1_700_000_000_000;
  const events: ClerkEnvelope[] = [];
  for (let attempts = 0; events.length < options.events; attempts++) {
    if (attempts > options.events * 50) throw new Error('history generator ran out of live entities');
    const pick = random();
    const kind = pick < 0.6 ? 'user' : pick < 0.72 ? 'org' : 'member';
    const index = int(counts[kind]);
    const state = life[kind].get(index);
    if (state === 'deleted') continue;
    if (kind === 'member' && (life.user.get(userOf(index)) === 'deleted' || life.org.get(orgOf(index)) === 'deleted')) {
      continue;
    }
    clock += int(3);
    const deleting = state === 'live' && random() < (kind === 'member' ? 0.06 : 0.03);
    life[kind].set(index, deleting ? 'deleted' : 'live');
    const type = state === undefined ? 'created' : 'updated';
    if (kind === 'user') {
      events.push(
        deleting
          ? clerkEvents.userDeleted(userId(index), clock)
          : clerkEvents.user(`user.${type}`, {
              id: userId(index),
              email: `${userId(index)}.${clock}@example.com`,
              firstName: `First ${clock}`,
              lastName: int(5) === 0 ? null : `Last ${clock}`,
              createdAt: 1_700_000_000_000,
              updatedAt: clock,
            }),
      );
    } else if (kind === 'org') {
      events.push(
        deleting
          ? clerkEvents.organizationDeleted(orgId(index), clock)
          : clerkEvents.organization(`organization.${type}`, {
              id: orgId(index),
              name: `Org ${clock}`,
              slug: `org-${index}-${clock}`,
              createdAt: 1_700_000_000_000,
              updatedAt: clock,
            }),
      );
    } else {
      const membership = {
        id: memberId(index),
        role: int(4) === 0 ? 'org:admin' : 'org:member',
        createdAt: 1_700_000_000_000,
        updatedAt: clock,
        organization: { id: orgId(orgOf(index)), name: `Embedded org ${clock}`, updatedAt: clock },
        user: {
          id: userId(userOf(index)),
          email: `${userId(userOf(index))}@example.com`,
          firstName: `Embedded ${clock}`,
        },
      };
      events.push(
        deleting && int(2) === 0
          ? clerkEvents.membershipDeletedBare(memberId(index), clock)
          : clerkEvents.membership(`organizationMembership.${deleting ? 'deleted' : type}`, membership),
      );
    }
  }
  return events.map((event, sequence) => ({
    sequence,
    svixId: `msg_${marker}_${String(sequence).padStart(7, '0')}`,
    body: JSON.stringify(event),
  }));
}

/** The same deliveries for another marker: fresh ids everywhere, same order and content. */
export function relabel(deliveries: Delivery[], from: string, to: string): Delivery[] {
  return deliveries.map((delivery) => ({
    sequence: delivery.sequence,
    svixId: delivery.svixId.replaceAll(from, to),
    body: delivery.body.replaceAll(from, to),
  }));
}

/** Every delivery once, plus `share` of them again (redeliveries), shuffled. */
export function withRedeliveries(deliveries: Delivery[], share: number, random: () => number): Delivery[] {
  const again = shuffle([...deliveries], random).slice(0, Math.round(deliveries.length * share));
  return shuffle([...deliveries, ...again], random);
}
