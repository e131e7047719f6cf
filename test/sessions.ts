// Clerk session tokens for Worker tests, signed with the key pair test/global-setup.ts made
// (the Worker's CLERK_JWT_KEY is its public half).
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import {
  importSigningKey,
  type SessionOptions,
  sessionClaims,
  signSessionToken,
} from '../scripts/lib/session-token.ts';

const signingKey = importSigningKey(inject('clerkSigningKey'));

export const AUTHORIZED_PARTY = env.CLERK_AUTHORIZED_PARTIES.split(',')[0]!;

/** Valid claims for `sub`, optionally in an organization; `extra` overrides or adds claims. */
export function claimsFor(
  sub: string,
  options: Partial<SessionOptions> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...sessionClaims({ sub, issuer: env.CLERK_ISSUER, authorizedParty: AUTHORIZED_PARTY, ...options }),
    ...extra,
  };
}

/** A token signed with the key the Worker trusts. */
export async function signedToken(claims: Record<string, unknown>): Promise<string> {
  return signSessionToken(await signingKey, claims);
}

/** `Authorization` header of a valid session for `sub` (in `organization`, when given). */
export async function sessionHeaders(
  sub: string,
  organization?: { id: string; role: string },
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signedToken(claimsFor(sub, { organization }))}` };
}
