// Clerk session tokens, verified without a network call: `@clerk/backend` checks the RS256
// signature against CLERK_JWT_KEY, `exp`/`nbf`/`iat` and `azp`; this module adds what Clerk
// leaves to the application: `iss`, pending sessions, and the organization claims.
import { verifyToken } from '@clerk/backend';
import { TokenVerificationError } from '@clerk/backend/errors';
import { z } from 'zod';
import { clerkId } from '../clerk/ids.ts';
import type { clerkConfig } from '../config.ts';
import { ApiError } from '../lib/problem.ts';
import type { Caller } from './caller.ts';

type SessionConfig = ReturnType<typeof clerkConfig>;

/** Clock drift tolerated between Clerk and this Worker (Clerk's default). */
const CLOCK_SKEW_MS = 5_000;

// Clerk session claims, v1 (`org_id`, `org_role`) and v2 (`v: 2`, `o: {id, rol}`).
const sessionClaims = z.looseObject({
  // Clerk ids only: anything else (a NUL, quotes) never reaches a query.
  sub: clerkId('user_'),
  iss: z.unknown(),
  sts: z.unknown(),
  o: z.looseObject({ id: clerkId('org_'), rol: z.string().max(255).optional() }).optional(),
  org_id: clerkId('org_').optional(),
  org_role: z.string().max(255).optional(),
});

const REASONS: Record<string, string> = {
  'token-expired': 'The session token has expired.',
  'token-not-active-yet': 'The session token is not valid yet.',
  'token-iat-in-the-future': 'The session token is not valid yet.',
  'token-invalid-signature': 'The session token signature is invalid.',
  'token-invalid-algorithm': 'The session token is not signed with RS256.',
  'token-invalid-authorized-parties': 'The session token was issued for an origin this API does not accept.',
  'token-invalid': 'The session token is malformed.',
};

export function unauthorized(detail: string): ApiError {
  // RFC 6750: a 401 names the scheme; `invalid_token` tells clients to get a fresh one.
  return new ApiError(401, 'unauthorized', 'Unauthorized', detail, {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}

/** The caller behind a session token, or a 401 ApiError saying why there is none. */
export async function verifySessionToken(token: string, config: SessionConfig): Promise<Caller> {
  let payload: unknown;
  try {
    // Every option passed explicitly: Clerk would otherwise look in process.env, which is not
    // where Workers keep bindings. No secretKey, so a token can never trigger a JWKS fetch.
    payload = await verifyToken(token, {
      jwtKey: config.jwtKey,
      authorizedParties: config.authorizedParties,
      clockSkewInMs: CLOCK_SKEW_MS,
    });
  } catch (error) {
    const reason = error instanceof TokenVerificationError ? REASONS[error.reason] : undefined;
    throw unauthorized(reason ?? 'The session token is invalid.');
  }
  const claims = sessionClaims.safeParse(payload);
  if (!claims.success) throw unauthorized('The session token claims are malformed.');
  const { iss, sts, o, org_id, org_role, sub } = claims.data;
  // Clerk does not check the issuer: a token from another Clerk instance that happens to be
  // signed with a key we trust must still be rejected.
  if (iss !== config.issuer) throw unauthorized('The session token was issued by another Clerk instance.');
  // A pending session (e.g. an organization still to be chosen) counts as signed out.
  if (sts === 'pending') throw unauthorized('The session is pending; finish signing in first.');
  return { userId: sub, organization: activeOrganization(o, org_id, org_role) };
}

function activeOrganization(
  v2: { id: string; rol?: string | undefined } | undefined,
  orgId: string | undefined,
  orgRole: string | undefined,
): Caller['organization'] {
  // v2 tokens drop the `org:` prefix of role keys; restore it as Clerk's own parser does.
  if (v2) return { id: v2.id, role: v2.rol ? `org:${v2.rol}` : null };
  if (orgId) return { id: orgId, role: orgRole ?? null };
  return null;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string {
  if (!header) {
    throw new ApiError(
      401,
      'unauthorized',
      'Unauthorized',
      'Send a Clerk session token as `Authorization: Bearer <token>`.',
      {
        headers: { 'WWW-Authenticate': 'Bearer' },
      },
    );
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match?.[1]) throw unauthorized('The Authorization header is not `Bearer <token>`.');
  return match[1];
}
