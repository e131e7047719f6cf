// Clerk session tokens for Worker tests, signed with the key pair test/global-setup.ts made
// (the Worker's CLERK_JWT_KEY is its public half).
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import {
  importSigningKey,
  type SessionOptions,
  type SessionOrganization,
  sessionClaims,
  signSessionToken,
} from '../scripts/lib/session-token.ts';
import { call } from './helpers.ts';

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
export async function sessionHeaders(sub: string, organization?: SessionOrganization): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signedToken(claimsFor(sub, { organization }))}` };
}

/** Who a test calls as: a Clerk user, in an organization or not. */
export interface TestCaller {
  sub: string;
  organization?: SessionOrganization;
}

export const orgAdmin = (org: string): TestCaller => ({
  sub: `user_${crypto.randomUUID().replaceAll('-', '')}`,
  organization: { id: org, role: 'org:admin' },
});
export const orgMember = (org: string): TestCaller => ({
  sub: `user_${crypto.randomUUID().replaceAll('-', '')}`,
  organization: { id: org, role: 'org:member' },
});
export const personalCaller = (): TestCaller => ({ sub: `user_${crypto.randomUUID().replaceAll('-', '')}` });

/** A request to the Worker as `caller`, with a JSON body when `body` is given. */
export async function callAs(
  caller: TestCaller,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(await sessionHeaders(caller.sub, caller.organization)) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return call(path, {
    method: init.method ?? 'GET',
    headers: { ...headers, ...init.headers },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
}
