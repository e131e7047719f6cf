// Which database failures are worth a retry. Callers answer them with 503 + Retry-After
// (Svix and well-behaved clients retry); everything else is a bug and a 500.
import { DrizzleQueryError } from 'drizzle-orm/errors';

// SQLSTATE classes that say "try again later", not "this statement is wrong":
// 08 connection exception, 40 transaction rollback (serialization, deadlock),
// 53 insufficient resources (too many connections), 57 operator intervention
// (statement timeout, admin shutdown), 58 system error.
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** A failure that may succeed when retried later (answered with 503 + Retry-After). */
export class TransientError extends Error {}

/** The Postgres error behind a Drizzle error, if any. */
export function databaseCause(error: unknown): (Error & { code?: unknown; constraint?: unknown }) | undefined {
  if (!(error instanceof DrizzleQueryError)) return undefined;
  const cause = error.cause;
  return cause instanceof Error ? cause : new Error(String(cause));
}

/** SQLSTATE of a failed query, e.g. `23505` for a unique violation. */
export function sqlState(error: unknown): string | undefined {
  const code = databaseCause(error)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

/** True for unreachable, overloaded or timed-out databases: the request may succeed later. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  const cause = databaseCause(error);
  if (!cause) return false;
  const code = sqlState(error);
  // No SQLSTATE: the query never got an answer (refused, reset, timed out).
  return code === undefined || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}
