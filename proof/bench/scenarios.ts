// What the load generator sends: one request factory per scenario, the core endpoints' here and
// each resource's from its src/<folder>/proof.ts. Shared by the benchmark (proof/bench/run.ts) and
// the reliability suite's load check (proof/reliability/). Runs in the load process
// (proof/bench/load.ts), never in the process that drives wrangler.
import { clerkEvents, signDelivery } from '../../scripts/lib/clerk-events.ts';
import { bearer, type Json, type ProofApi, type ProofRequest } from '../../scripts/lib/resource-proof.ts';
import type { LoadedProof } from '../resources.ts';

/** Everything a load process needs to build valid requests; serialisable. */
export interface ScenarioContext {
  /** Unique per run: keeps ids (users, svix ids, idempotency keys) of runs apart. */
  marker: string;
  webhookSecret: string;
  /** Bearer tokens of seeded, synced users (GET /v1/me). */
  meTokens: string[];
  /** What each resource's seed returned (src/<folder>/proof.ts), by folder. */
  resources: Record<string, Json>;
}

export type RequestSource = () => ProofRequest;

export interface Scenario {
  name: string;
  /** Its row name in the tables. */
  label: string;
  /** Measured on its own by default; false: only part of `mixed` (or asked for by name). */
  bench: boolean;
  /** Its share of `mixed`. */
  mixedWeight: number;
  /** Database round trips every response reports (ProofScenario.roundTrips); `mixed`: undefined, at most 1. */
  roundTrips?: 0 | 1;
  /** Fresh data for `count` requests that cannot repeat (ProofScenario.prepare). */
  prepare?(context: ScenarioContext, api: ProofApi, count: number): Promise<ScenarioContext>;
  requests(context: ScenarioContext): RequestSource;
}

/**
 * Every scenario: the core endpoints', each resource's (named `<folder>-<name>`, in registry
 * order) and `mixed`, all endpoints by weight. The core's weigh 10 in all, and reads dominate, as
 * in most APIs.
 */
export function scenarioCatalogue(proofs: LoadedProof[]): Scenario[] {
  const own = proofs.flatMap(({ folder, proof }) =>
    Object.entries(proof.scenarios).map(([name, scenario]): Scenario => {
      const { prepare } = scenario;
      return {
        name: `${folder}-${name}`,
        label: scenario.label,
        bench: scenario.bench,
        mixedWeight: scenario.mixedWeight,
        roundTrips: scenario.roundTrips,
        ...(prepare && {
          prepare: async (context, api, count) => ({
            ...context,
            resources: { ...context.resources, [folder]: await prepare(api, context.resources[folder]!, count) },
          }),
        }),
        requests: (context) => scenario.requests(context.resources[folder]!, context.marker),
      };
    }),
  );
  const endpoints: Scenario[] = [
    {
      name: 'health',
      label: 'GET /health',
      bench: true,
      mixedWeight: 2,
      roundTrips: 0,
      requests: () => () => ({ method: 'GET', path: '/health', headers: {} }),
    },
    {
      name: 'ready',
      label: 'GET /ready',
      bench: false,
      mixedWeight: 1,
      roundTrips: 1,
      requests: () => () => ({ method: 'GET', path: '/ready', headers: {} }),
    },
    {
      name: 'me',
      label: 'GET /v1/me',
      bench: true,
      mixedWeight: 4,
      roundTrips: 1,
      requests: (context) => {
        const token = cycle(context.meTokens);
        return () => ({ method: 'GET', path: '/v1/me', headers: bearer(token()) });
      },
    },
    ...own,
    {
      name: 'webhook',
      label: 'POST /webhooks/clerk (fresh events)',
      bench: true,
      mixedWeight: 3,
      roundTrips: 1,
      requests: (context) => {
        const stream = freshEvents(context.marker, 'w', 1_000);
        return () => signed(context.webhookSecret, stream());
      },
    },
    {
      name: 'webhook-duplicates',
      label: 'POST /webhooks/clerk (30% duplicates, shuffled)',
      bench: true,
      mixedWeight: 0,
      roundTrips: 1,
      requests: (context) => {
        const stream = eventsWithDuplicates(context.marker, 0.3);
        return () => signed(context.webhookSecret, stream());
      },
    },
  ];
  const mixed: Scenario = {
    name: 'mixed',
    label: 'mixed (all endpoints)',
    bench: false,
    mixedWeight: 0,
    requests: (context) => {
      const plan = endpoints.flatMap((scenario) => {
        if (scenario.mixedWeight === 0) return [];
        return Array<RequestSource>(scenario.mixedWeight).fill(scenario.requests(context));
      });
      return () => plan[Math.floor(Math.random() * plan.length)]!();
    },
  };
  return [...endpoints, mixed];
}

/** The scenario named `name`, or an error listing the names there are. */
export function scenarioNamed(catalogue: Scenario[], name: string): Scenario {
  const found = catalogue.find((scenario) => scenario.name === name);
  if (!found) throw new Error(`unknown scenario ${name}: ${catalogue.map((scenario) => scenario.name).join(', ')}`);
  return found;
}

/** The items in turn, round and round. */
function cycle<T>(items: T[]): () => T {
  let n = 0;
  return () => items[n++ % items.length]!;
}

interface Delivery {
  svixId: string;
  body: string;
}

/** Signed when sent, so the Svix timestamp is always fresh. */
function signed(secret: string, delivery: Delivery): ProofRequest {
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
