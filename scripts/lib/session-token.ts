// Clerk session tokens (RS256) signed with a local private key, with the claims of Clerk's
// "Session tokens" page, version 2 (the default) or version 1 (instances not yet upgraded):
// what `npm run token` prints and what the tests authenticate with. WebCrypto only, so it runs
// in Node and in workerd.

export interface SessionOrganization {
  id: string;
  /** As Clerk names it in v1 and in its SDKs: `org:admin`, `org:member`. */
  role: string;
  slug?: string;
  /** Custom permission keys, `org:<feature>:<permission>` (system permissions never appear). */
  permissions?: string[];
}

export interface SessionOptions {
  /** Clerk user id, e.g. `user_123`. */
  sub: string;
  /** Must equal the Worker's CLERK_ISSUER. */
  issuer: string;
  /** One of the Worker's CLERK_AUTHORIZED_PARTIES. */
  authorizedParty: string;
  /** The active organization. */
  organization?: SessionOrganization | undefined;
  /** Claim version: 2 (default) or 1. */
  version?: 1 | 2;
  /** Lifetime in seconds (Clerk's own tokens live 60 s). */
  ttlSeconds?: number;
  /** Seconds since the epoch (default: now). */
  issuedAt?: number;
}

/** The claims Clerk puts in a session token of the given version. */
export function sessionClaims(options: SessionOptions): Record<string, unknown> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const common = {
    azp: options.authorizedParty,
    exp: iat + (options.ttlSeconds ?? 60),
    fva: [0, -1],
    iat,
    iss: options.issuer,
    nbf: iat - 5,
    sid: `sess_${randomHex(16)}`,
    sub: options.sub,
  };
  const organization = options.organization;
  if (options.version === 1) {
    return organization
      ? {
          ...common,
          org_id: organization.id,
          org_permissions: organization.permissions ?? [],
          org_role: organization.role,
          ...(organization.slug ? { org_slug: organization.slug } : {}),
        }
      : common;
  }
  const claims: Record<string, unknown> = { ...common, jti: randomHex(10), v: 2, sts: 'active' };
  if (organization) {
    const { features, per, fpm } = compactPermissions(organization.permissions ?? []);
    // v2 carries the role key without its `org:` prefix.
    claims.o = { id: organization.id, rol: organization.role.replace(/^org:/, ''), slg: organization.slug, per, fpm };
    if (features.length > 0) claims.fea = features.map((feature) => `o:${feature}`).join(',');
  }
  return claims;
}

/**
 * v2's compact form of `org:<feature>:<permission>` keys: `fea` lists the features, `per` the
 * permission names, and `fpm` one decimal bitmask per feature (bit i set = `per[i]` granted).
 */
function compactPermissions(keys: string[]): { features: string[]; per: string; fpm: string } {
  const pairs = keys.map((key) => {
    const [, feature, permission] = /^org:([^:]+):([^:]+)$/.exec(key) ?? [];
    if (!feature || !permission) throw new Error(`not an org:<feature>:<permission> key: ${key}`);
    return { feature, permission };
  });
  const features = [...new Set(pairs.map((pair) => pair.feature))];
  const names = [...new Set(pairs.map((pair) => pair.permission))];
  const masks = features.map((feature) =>
    pairs
      .filter((pair) => pair.feature === feature)
      .reduce((mask, pair) => mask | (1 << names.indexOf(pair.permission)), 0),
  );
  return { features, per: names.join(','), fpm: masks.join(',') };
}

export function importSigningKey(privateKeyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(privateKeyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, ''), 'base64');
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

/** A compact JWS over `claims`, RS256, with Clerk's header fields. */
export async function signSessionToken(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', kid: 'ins_local', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64url(signature)}`;
}

export function base64url(data: string | ArrayBuffer | Uint8Array): string {
  return (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as ArrayBuffer)).toString('base64url');
}

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}
