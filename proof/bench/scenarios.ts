// What the load generator sends: one request factory per scenario. Shared by the benchmark
// (proof/bench/run.ts) and the reliability suite's load check (proof/reliability/). Runs in the load
// process (proof/bench/load.ts), never in the process that drives wrangler.
import { clerkEvents, signDelivery } from '../../scripts/lib/clerk-events.ts';

export const SCENARIOS = [
  'health',
  'me',
  'projects-list',
  'projects-create',
  'webhook',
  'webhook-duplicates',
  'mixed',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_LABELS: Record<Scenario, string> = {
  health: 'GET /health',
  me: 'GET /v1/me',
  'projects-list': 'GET /v1/projects?limit=50',
  'projects-create': 'POST /v1/projects (Idempotency-Key)',
  webhook: 'POST /webhooks/clerk (fresh events)',
  'webhook-duplicates': 'POST /webhooks/clerk (30% duplicates, shuffled)',
  mixed: 'mixed (all endpoints)',
};

/** Everything a load process needs to build valid requests; serialisable. */
export interface ScenarioContext {
  /** Unique per run: keeps ids (users, svix ids, idempotency keys) of runs apart. */
  marker: string;
  webhookSecret: string;
  /** Bearer tokens of seeded, synced users (GET /v1/me). */
  meTokens: string[];
  /** Bearer token of the user whose seeded projects are listed, and some of their ids. */
  listToken: string;
  projectIds: string[];
  /** Bearer tokens used to create projects. */
  createTokens: string[];
}

export interface GeneratedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type RequestSource = () => GeneratedRequest;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function requestSource(scenario: Scenario, context: ScenarioContext): RequestSource {
  let n = 0;
  const next = () => n++;
  const pick = <T>(items: T[]) => items[next() % items.length]!;
  switch (scenario) {
    case 'health':
      return () => ({ method: 'GET', path: '/health', headers: {} });
    case 'me':
      return () => ({ method: 'GET', path: '/v1/me', headers: bearer(pick(context.meTokens)) });
    case 'projects-list':
      return () => ({ method: 'GET', path: '/v1/projects?limit=50', headers: bearer(context.listToken) });
    case 'projects-create':
      return () => {
        const i = next();
        return {
          method: 'POST',
          path: '/v1/projects',
          headers: {
            ...bearer(context.createTokens[i % context.createTokens.length]!),
            'content-type': 'application/json',
            'idempotency-key': `${context.marker}-${i}`,
          },
          body: JSON.stringify({ name: `Project ${i}`, description: 'Created by the load generator.' }),
        };
      };
    case 'webhook': {
      const stream = freshEvents(context.marker, 'w', 1_000);
      return () => signed(context.webhookSecret, stream());
    }
    case 'webhook-duplicates': {
      const stream = eventsWithDuplicates(context.marker, 0.3);
      return () => signed(context.webhookSecret, stream());
    }
    case 'mixed': {
      const sources = {
        health: requestSource('health', context),
        me: requestSource('me', context),
        list: requestSource('projects-list', context),
        create: requestSource('projects-create', context),
        webhook: requestSource('webhook', { ...context, marker: `${context.marker}m` }),
      };
      // Weights out of 20: reads dominate, as in most APIs.
      const plan: (() => GeneratedRequest)[] = [
        ...Array(2).fill(sources.health),
        () => ({ method: 'GET', path: '/ready', headers: {} }),
        ...Array(4).fill(sources.me),
        ...Array(4).fill(sources.list),
        ...Array(3).fill(() => ({
          method: 'GET',
          path: `/v1/projects/${pick(context.projectIds)}`,
          headers: bearer(context.listToken),
        })),
        ...Array(3).fill(sources.create),
        ...Array(3).fill(sources.webhook),
      ];
      return () => plan[Math.floor(Math.random() * plan.length)]!();
    }
  }
}

interface Delivery {
  svixId: string;
  body: string;
}

/** Signed when sent, so the Svix timestamp is always fresh. */
function signed(secret: string, delivery: Delivery): GeneratedRequest {
  const { headers, body } = signDelivery(secret, delivery.body, { svixId: delivery.svixId });
  return { method: 'POST', path: '/webhooks/clerk', headers, body };
}

/**
 * New events only, each with a new svix id: users `user_<marker>_<tag><k>` for k < users, each
 * created on first sight and updated (newer updated_at) after that. Every delivery is `applied`.
 */
export function freshEvents(marker: string, tag: string, users: number): () => Delivery {
  let sequence = 0;
  const started = Date.now();
  return () => {
    const n = sequence++;
    const id = `user_${marker}_${tag}${n % users}`;
    const event = clerkEvents.user(n < users ? 'user.created' : 'user.updated', {
      id,
      email: `${id}@example.com`,
      firstName: `First ${n}`,
      lastName: 'Load',
      createdAt: started,
      updatedAt: started + n,
    });
    return { svixId: `msg_${marker}_${tag}${n}`, body: JSON.stringify(event) };
  };
}

/**
 * The same kind of stream, in blocks of 1,000 new events plus redeliveries (same svix id and
 * body, as Svix retries) of events from this block or the previous one, so that `share` of all
 * deliveries are redeliveries; each block shuffled: late, duplicated and out-of-order deliveries,
 * as Clerk's really arrive.
 * Outcomes: `applied`, `stale` (an older version arriving after a newer one) or `duplicate`.
 */
export function eventsWithDuplicates(marker: string, share: number, blockSize = 1_000): () => Delivery {
  const fresh = freshEvents(marker, 'd', 200);
  let queue: Delivery[] = [];
  let previous: Delivery[] = [];
  return () => {
    if (queue.length === 0) {
      const block = Array.from({ length: blockSize }, fresh);
      const pool = [...previous, ...block];
      const redelivered = Array.from(
        { length: Math.round((blockSize * share) / (1 - share)) },
        () => pool[Math.floor(Math.random() * pool.length)]!,
      );
      queue = shuffle([...block, ...redelivered]);
      previous = block;
    }
    return queue.shift()!;
  };
}

export function shuffle<T>(items: T[], random: () => number = Math.random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
