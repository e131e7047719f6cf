// Idempotency-Key on creates. A key is claimed in the create statement itself (one round trip):
// the first request with a key stores its response with it; a retry with the same key and the
// same request gets that response back (the original 201); the same key with another request is
// 422; a key older than 24 hours is taken over by the next request, and deleted by the scheduled
// job (src/scheduled.ts) if none comes. Only hashes reach the database: the key is scoped to the
// operation and the caller (one caller's key can never replay another's response), and the request
// fingerprint covers everything that decides the outcome.
import { z } from '@hono/zod-openapi';
import { type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/client.ts';
import { idempotencyKeys } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import { type BatchBounds, inBatches } from './batches.ts';

export const IDEMPOTENCY_TTL_HOURS = 24;

export const idempotencyKeyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Must be 1 to 255 visible ASCII characters.')
    .optional()
    .openapi({
      param: { in: 'header' },
      description: `Retries with the same key and body return the original 201 for ${IDEMPOTENCY_TTL_HOURS} hours.`,
      example: 'c3b1e8f0-4c1e-4d1b-9a57-1f0b7c6e2a10',
    }),
});

/** `Idempotent-Replayed` on a replayed answer, documented. */
export const idempotentReplayedHeader = z.object({
  'Idempotent-Replayed': z
    .literal('true')
    .optional()
    .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key.' }),
});

export interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
  /** The response body this request answers with if it wins the key. */
  response: string;
}

/**
 * The claim for `key` sent by `clerkUserId` to `operation` (e.g. `POST /v1/widgets`), for a
 * request that stores `values` for `owner`.
 */
export async function idempotencyClaim(
  operation: string,
  clerkUserId: string,
  key: string,
  request: { owner: Owner; values: Record<string, unknown> },
  response: string,
): Promise<IdempotencyClaim> {
  const owner = request.owner.kind === 'organization' ? request.owner.clerkOrgId : request.owner.clerkUserId;
  return {
    keyHash: await sha256Hex(JSON.stringify([operation, clerkUserId, key])),
    // What the request stores (defaults applied, keys sorted), so the same request in any JSON
    // spelling has one fingerprint: `{"name":"a"}` and `{"description":null,"name":"a"}` alike.
    requestHash: await sha256Hex(JSON.stringify([request.owner.kind, owner, canonical(request.values)])),
    response,
  };
}

/**
 * CTE `claim(request_hash, response, mine)`: the key's record, inserted for this request, taken
 * over if expired, else left as it is. The no-op update of a live record returns it even when a
 * concurrent request committed it after this statement began (DO NOTHING would return no row),
 * so a racing retry gets the winner's response, never a second insert. Where `allowed` is false
 * (the owner is at its quota) nothing is claimed, and `claim` is the live record of an earlier
 * request with the key, if any: its retry still gets its original answer.
 */
export function claimIdempotencyKey(claim: IdempotencyClaim, allowed: SQL): SQL {
  const live = sql`k.expires_at > now()`;
  return sql`claimed as (
      insert into ${idempotencyKeys} as k (id, key_hash, request_hash, response, expires_at)
      select ${uuidv7()}, ${claim.keyHash}, ${claim.requestHash}, ${claim.response},
        now() + interval '${sql.raw(String(IDEMPOTENCY_TTL_HOURS))} hours'
      where ${allowed}
      on conflict (key_hash) do update set
        request_hash = case when ${live} then k.request_hash else excluded.request_hash end,
        response = case when ${live} then k.response else excluded.response end,
        expires_at = case when ${live} then k.expires_at else excluded.expires_at end
      returning k.request_hash, k.response, k.response = ${claim.response} as mine
    ),
    claim as (
      select request_hash, response, mine from claimed
      union all
      select k.request_hash, k.response, false from ${idempotencyKeys} as k
      where not (${allowed}) and k.key_hash = ${claim.keyHash} and ${live}
    )`;
}

/**
 * Deletes expired records in bounded batches (the scheduled job), through
 * idempotency_keys_expires_at_idx. Expiry is checked again on the row being deleted: a record a
 * create took over since the batch was picked is live again and stays.
 */
export function pruneIdempotencyKeys(db: Database, options: Partial<BatchBounds> = {}): Promise<number> {
  const { batchSize = 1_000, maxBatches = 20 } = options;
  return inBatches(
    db,
    { batchSize, maxBatches },
    (size) => sql`done as (
      delete from ${idempotencyKeys} where id = any(array(
        select id from ${idempotencyKeys} where expires_at <= now() order by expires_at limit ${size}
      )) and expires_at <= now()
      returning 1
    )`,
  );
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}
