// Clerk session tokens, verified without a network call: `@clerk/backend` checks the RS256
// signature against CLERK_JWT_KEY, `exp`/`nbf`/`iat` and `azp`; this module adds what Clerk
// leaves to the application: `iss`, session tokens only, the session status, and the
// organization claims of either token version (Clerk's "Session tokens" page).
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

const shortText = z.string().max(255);

// Claims both versions carry. `sid` is what makes a token a session token: a JWT-template token
// is signed with the same instance key but has no session, a lifetime of its own, and outlives
// sign-out, so it must never authenticate a request.
const commonClaims = {
  sub: clerkId('user_'),
  sid: clerkId('sess_'),
  iss: z.string(),
  // Absent on instances that have not opted in; only `active` sessions are signed in.
  sts: z.enum(['active', 'pending']).optional(),
};

const v1Claims = z.looseObject({
  ...commonClaims,
  org_id: clerkId('org_').optional(),
  org_role: shortText.optional(),
  org_slug: shortText.optional(),
  org_permissions: z.array(shortText).max(1000).optional(),
});

const v2Claims = z.looseObject({
  ...commonClaims,
  v: z.literal(2),
  fea: z.string().max(8192).optional(),
  o: z
    .looseObject({
      id: clerkId('org_'),
      rol: shortText.optional(),
      slg: shortText.optional(),
      per: z.string().max(8192).optional(),
      fpm: z.string().max(8192).optional(),
    })
    .optional(),
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
  return new ApiError('unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
}

/** The caller behind a session token, or a 401 ApiError saying why there is none. */
export async function verifySessionToken(token: string, config: SessionConfig): Promise<Caller> {
  let payload: Record<string, unknown>;
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
  // Clerk does not check the issuer: a token from another Clerk instance that happens to be
  // signed with a key we trust must still be rejected.
  if (payload.iss !== config.issuer) throw unauthorized('The session token was issued by another Clerk instance.');
  if (typeof payload.sid !== 'string' || !payload.sid.startsWith('sess_')) {
    throw unauthorized('Not a session token (no session id): JWT-template tokens are not accepted.');
  }
  const caller = callerOf(payload);
  if (caller === 'pending') throw unauthorized('The session is pending; finish signing in first.');
  return caller;
}

/** The caller from claims of a version this API knows; v1 carries no `v` claim. */
function callerOf(payload: Record<string, unknown>): Caller | 'pending' {
  if (payload.v === undefined) {
    const claims = parse(v1Claims, payload);
    if (claims.sts === 'pending') return 'pending';
    return {
      userId: claims.sub,
      organization: claims.org_id
        ? {
            id: claims.org_id,
            role: claims.org_role ?? null,
            slug: claims.org_slug ?? null,
            permissions: claims.org_permissions ?? [],
          }
        : null,
    };
  }
  if (payload.v === 2) {
    const claims = parse(v2Claims, payload);
    if (claims.sts === 'pending') return 'pending';
    const o = claims.o;
    return {
      userId: claims.sub,
      organization: o
        ? {
            id: o.id,
            // v2 drops the `org:` prefix of role keys; restore it as Clerk's own parser does.
            role: o.rol ? `org:${o.rol}` : null,
            slug: o.slg ?? null,
            permissions: organizationPermissions(claims.fea, o.per, o.fpm),
          }
        : null,
    };
  }
  throw unauthorized('The session token version is not one this API knows (1 or 2).');
}

function parse<T extends z.ZodType>(schema: T, payload: unknown): z.infer<T> {
  const claims = schema.safeParse(payload);
  if (!claims.success) throw unauthorized('The session token claims are malformed.');
  return claims.data;
}

/**
 * v2's compact permissions back to `org:<feature>:<permission>` keys: `fea` lists features by
 * scope (`o:`, `u:`, `uo:`), `per` the permission names, and `fpm` one decimal bitmask per
 * organization feature, bit i granting `per[i]`.
 */
function organizationPermissions(fea = '', per = '', fpm = ''): string[] {
  const features = fea
    .split(',')
    .map((entry) => /^(o|uo|ou):(.+)$/.exec(entry.trim())?.[2])
    .filter((feature) => feature !== undefined);
  const names = per.split(',').map((name) => name.trim());
  const masks = fpm.split(',').map((mask) => (/^\d{1,15}$/.test(mask.trim()) ? Number(mask) : 0));
  return features.flatMap((feature, index) =>
    names
      .filter((name, bit) => name !== '' && Math.floor((masks[index] ?? 0) / 2 ** bit) % 2 === 1)
      .map((name) => `org:${feature}:${name}`),
  );
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string {
  if (!header) {
    throw new ApiError('unauthorized', 'Send a Clerk session token as `Authorization: Bearer <token>`.', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match?.[1]) throw unauthorized('The Authorization header is not `Bearer <token>`.');
  return match[1];
}
