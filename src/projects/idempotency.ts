// Idempotency-Key for POST /v1/projects. Only hashes reach the database: the key is scoped to
// the caller (one caller's key can never replay another's response), and the request
// fingerprint covers everything that decides the outcome (owner and canonical body).
import type { Owner } from '../auth/caller.ts';
import type { CreateProjectBody } from './schemas.ts';

export async function idempotencyKeyHash(clerkUserId: string, key: string): Promise<string> {
  return sha256Hex(JSON.stringify([clerkUserId, key]));
}

/** Same owner and same body (after defaults) give the same fingerprint, whatever the JSON spelling. */
export async function requestFingerprint(owner: Owner, body: CreateProjectBody): Promise<string> {
  const ownerId = owner.kind === 'organization' ? owner.clerkOrgId : owner.clerkUserId;
  return sha256Hex(JSON.stringify([owner.kind, ownerId, body.name, body.description ?? null]));
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}
