// Clerk-shaped session tokens (RS256, v2 claims) signed with a local private key: what
// `npm run token` prints and what the tests authenticate with. WebCrypto only, so it runs in
// Node and in workerd.

export interface SessionOptions {
  /** Clerk user id, e.g. `user_123`. */
  sub: string;
  /** Must equal the Worker's CLERK_ISSUER. */
  issuer: string;
  /** One of the Worker's CLERK_AUTHORIZED_PARTIES. */
  authorizedParty: string;
  /** The active organization; `role` as Clerk names it (`org:admin`, `org:member`). */
  organization?: { id: string; role: string } | undefined;
  /** Lifetime in seconds (Clerk's own tokens live 60 s). */
  ttlSeconds?: number;
  /** Seconds since the epoch (default: now). */
  issuedAt?: number;
}

/** The claims Clerk puts in a v2 session token. */
export function sessionClaims(options: SessionOptions): Record<string, unknown> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    azp: options.authorizedParty,
    exp: iat + (options.ttlSeconds ?? 60),
    fva: [0, -1],
    iat,
    iss: options.issuer,
    nbf: iat - 5,
    sid: `sess_${crypto.randomUUID().replaceAll('-', '')}`,
    sts: 'active',
    sub: options.sub,
    v: 2,
  };
  if (options.organization) {
    // v2 tokens carry the role key without its `org:` prefix.
    claims.o = { id: options.organization.id, rol: options.organization.role.replace(/^org:/, '') };
  }
  return claims;
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
