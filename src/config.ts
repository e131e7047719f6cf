// The one config loader. Bindings and secrets are validated with zod once per isolate and
// section, so a missing secret or malformed URL fails with a message naming the variable,
// and a route only requires the configuration it uses (/health needs none).
import { z } from 'zod';
import { bundledDbDriver, type DbTarget } from '../db/client.ts';

/** Variables the Worker reads that are optional, so `wrangler types` cannot list them. */
export interface OptionalBindings {
  /** Postgres URL for the Neon HTTP driver (used when there is no Hyperdrive binding). */
  DATABASE_URL?: string;
  /** `neon-http` forces the Neon HTTP driver even when HYPERDRIVE is bound. */
  DB_DRIVER?: string;
  /** Dev and tests only: the local SQL-over-HTTP endpoint (scripts/neon-http-server.ts). */
  NEON_HTTP_ENDPOINT?: string;
  /** `true` sends Server-Timing (database time, round trips) outside development; `false` never. */
  SERVER_TIMING?: string;
  /** Rows of each owned resource one owner may have (src/lib/owned-resource.ts); default 10000. */
  MAX_ROWS_PER_OWNER?: string | number;
}

export type Bindings = Env & OptionalBindings;

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(variables: string[], message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

const postgresUrl = () =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'must be a postgres:// or postgresql:// URL');

const databaseSchema = () =>
  z.object({
    DB_DRIVER: z.enum(['pg', 'neon-http']).optional(),
    DATABASE_URL: postgresUrl().optional(),
    NEON_HTTP_ENDPOINT: z.url().optional(),
  });

/**
 * Picks the driver: the one the Worker is built with (wrangler.toml [define] BUNDLED_DB_DRIVER);
 * with both, Neon HTTP when forced or when only DATABASE_URL is set, else Hyperdrive.
 */
function databaseTarget(env: Bindings): DbTarget {
  const vars = parse(databaseSchema(), {
    DB_DRIVER: emptyToUndefined(env.DB_DRIVER),
    DATABASE_URL: emptyToUndefined(env.DATABASE_URL),
    NEON_HTTP_ENDPOINT: emptyToUndefined(env.NEON_HTTP_ENDPOINT),
  });
  // Fail loudly, not ignore it: a deploy carrying a dev-only variable is misconfigured, and
  // honouring it would send the connection string, password included, to that host.
  if (vars.NEON_HTTP_ENDPOINT && env.APP_ENV !== 'development') {
    throw new ConfigError(
      ['NEON_HTTP_ENDPOINT'],
      'NEON_HTTP_ENDPOINT is for local development only (APP_ENV=development); remove it from this environment',
    );
  }
  const bundled = bundledDbDriver();
  if (bundled && vars.DB_DRIVER && vars.DB_DRIVER !== bundled) {
    throw new ConfigError(
      ['DB_DRIVER'],
      `DB_DRIVER is ${vars.DB_DRIVER}, but this Worker is built with the ${bundled} driver only (BUNDLED_DB_DRIVER in wrangler.toml [define])`,
    );
  }
  const hyperdrive = env.HYPERDRIVE?.connectionString;
  const neonHttp = bundled
    ? bundled === 'neon-http'
    : vars.DB_DRIVER === 'neon-http' || (!hyperdrive && vars.DATABASE_URL);
  if (neonHttp) {
    if (!vars.DATABASE_URL) {
      throw new ConfigError(['DATABASE_URL'], 'DATABASE_URL is required when DB_DRIVER=neon-http');
    }
    return { driver: 'neon-http', connectionString: vars.DATABASE_URL, fetchEndpoint: vars.NEON_HTTP_ENDPOINT };
  }
  if (!hyperdrive) {
    throw new ConfigError(
      ['HYPERDRIVE', 'DATABASE_URL'],
      'No database configured: bind HYPERDRIVE or set DATABASE_URL',
    );
  }
  return { driver: 'pg', connectionString: hyperdrive };
}

export function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const variables = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
  const reasons = result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
  throw new ConfigError(variables, `Invalid configuration (${reasons.join('; ')})`);
}

/**
 * Memoizes a section per env object: validated once per isolate, not per request. The schemas
 * are functions called from a section's load, so they too are built once, at first use, and
 * never at isolate startup. A resource with variables of its own declares its section the same
 * way, in its folder.
 */
export function section<T>(load: (env: Bindings) => T): (env: Bindings) => T {
  const cache = new WeakMap<object, T>();
  return (env) => {
    let value = cache.get(env);
    if (value === undefined) {
      value = load(env);
      cache.set(env, value);
    }
    return value;
  };
}

export const databaseConfig = section(databaseTarget);

const commaList = () =>
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const clerkSessionSchema = () =>
  z.object({
    // Secret stores sometimes keep a PEM on one line with literal `\n`s.
    CLERK_JWT_KEY: z
      .string()
      .transform((pem) => pem.replaceAll('\\n', '\n').trim())
      .pipe(
        z.string().startsWith('-----BEGIN PUBLIC KEY-----', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)'),
      ),
    CLERK_ISSUER: z.url(),
    // Required, not optional: with no parties, Clerk would skip the `azp` check entirely.
    CLERK_AUTHORIZED_PARTIES: commaList().pipe(z.array(z.url()).min(1, 'must list at least one origin')),
  });

/** Session token verification (src/auth/session.ts): networkless, so no Clerk secret is needed. */
export const clerkConfig = section((env) => {
  const vars = parse(clerkSessionSchema(), env);
  return {
    jwtKey: vars.CLERK_JWT_KEY,
    issuer: vars.CLERK_ISSUER,
    authorizedParties: vars.CLERK_AUTHORIZED_PARTIES,
  };
});

const clerkApiSchema = () => z.object({ CLERK_API_URL: z.url(), CLERK_SECRET_KEY: z.string().trim().min(1) });

/** Clerk Backend API calls (src/clerk/backend-api.ts). */
export const clerkApiConfig = section((env) => {
  const vars = parse(clerkApiSchema(), env);
  return { apiUrl: vars.CLERK_API_URL.replace(/\/+$/, ''), secretKey: vars.CLERK_SECRET_KEY };
});

const webhookSchema = () =>
  z.object({
    // One or more `whsec_` secrets, space-separated during a rotation.
    CLERK_WEBHOOK_SIGNING_SECRET: z
      .string()
      .transform((value) => value.split(/\s+/).filter(Boolean))
      .pipe(
        z
          .array(z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must hold space-separated whsec_ secrets'))
          .min(1, 'must hold at least one whsec_ secret'),
      ),
  });

/** Webhook signature verification (src/webhooks/clerk/). */
export const webhookConfig = section((env) => {
  const vars = parse(webhookSchema(), env);
  return { signingSecrets: vars.CLERK_WEBHOOK_SIGNING_SECRET };
});

// Optional: without it no browser origin may call (every route, /health included, still works).
const httpSchema = () => z.object({ CORS_ORIGINS: z.string().default('').pipe(commaList()).pipe(z.array(z.url())) });

/** CORS (src/app.ts): the origins whose browsers may call the API. */
export const httpConfig = section((env) => ({ corsOrigins: parse(httpSchema(), env).CORS_ORIGINS }));

// The Workers Rate Limiting bindings ([[ratelimits]] in wrangler.toml, one set per environment).
const rateLimiter = () =>
  z.custom<RateLimit>(
    (value) => typeof (value as Partial<RateLimit> | undefined)?.limit === 'function',
    'must be a [[ratelimits]] binding',
  );
const rateLimitSchema = () => z.object({ RATE_LIMIT_CALLER: rateLimiter(), RATE_LIMIT_CLIENT_IP: rateLimiter() });

/** Abuse limits (src/middleware/rate-limit.ts): per caller, and per client IP. */
export const rateLimitConfig = section((env) => {
  const vars = parse(rateLimitSchema(), env);
  return { perCaller: vars.RATE_LIMIT_CALLER, perClientIp: vars.RATE_LIMIT_CLIENT_IP };
});

export const DEFAULT_MAX_ROWS_PER_OWNER = 10_000;

const quotaSchema = () =>
  z.object({
    MAX_ROWS_PER_OWNER: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_ROWS_PER_OWNER),
  });

/** The per-owner quota of every owned resource (src/lib/owned-resource.ts `insertOwned`). */
export const quotaConfig = section((env) => ({
  maxRowsPerOwner: parse(quotaSchema(), {
    MAX_ROWS_PER_OWNER: env.MAX_ROWS_PER_OWNER === '' ? undefined : env.MAX_ROWS_PER_OWNER,
  }).MAX_ROWS_PER_OWNER,
}));

const diagnosticsSchema = () => z.object({ SERVER_TIMING: z.enum(['true', 'false']).optional() });

/**
 * Server-Timing with the database time and round trips (src/middleware/request-context.ts): in
 * development, or where SERVER_TIMING=true; never to every anonymous caller in production.
 */
export const diagnosticsConfig = section((env) => {
  const vars = parse(diagnosticsSchema(), { SERVER_TIMING: emptyToUndefined(env.SERVER_TIMING) });
  return { serverTiming: vars.SERVER_TIMING ? vars.SERVER_TIMING === 'true' : env.APP_ENV === 'development' };
});
