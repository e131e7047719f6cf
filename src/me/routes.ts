// GET /v1/me: the signed-in user, from the users table the webhook keeps in sync.
// A user who signed up seconds ago can call before Clerk's user.created webhook arrives; then
// the user is fetched once from Clerk's Backend API and stored through the webhook's own winner
// rule (applyUserSnapshot), so whichever copy is newer wins, whatever arrives first. That
// first call costs three round trips (read, write, read back); every later call costs one. A user
// Clerk does not know is a 404, remembered for a minute (src/me/unknown-users.ts). The Clerk client
// and the sync code load for that first call only, not at isolate startup.
import { OpenAPIHono } from '@hono/zod-openapi';
import { clerkApiConfig } from '../config.ts';
import { log } from '../lib/log.ts';
import { ApiError, notFound } from '../lib/problem.ts';
import { problemResponses } from '../openapi/problems.ts';
import { authenticatedRoute, json } from '../openapi/route.ts';
import type { AppEnv } from '../types.ts';
import { findUser, type UserRow } from './queries.ts';
import { type Me, meSchema } from './schemas.ts';
import { isKnownUnknown, rememberUnknown } from './unknown-users.ts';

const DEFAULT_RETRY_AFTER_SECONDS = 5;

const getMeRoute = authenticatedRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['Me'],
  summary: 'The signed-in user',
  responses: {
    200: { description: 'The user’s profile.', content: json(meSchema) },
    ...problemResponses('not-found', 'database-unavailable', 'clerk-unavailable'),
  },
});

export const meRoutes = new OpenAPIHono<AppEnv>().openapi(getMeRoute, async (c) => {
  const { db, caller } = c.var;
  const stored = await findUser(db, caller.userId);
  if (stored?.deletedAt) throw deletedUser();
  if (isSynced(stored)) return c.json(toMe(stored), 200);

  const origin = new URL(c.req.url).origin;
  if (await isKnownUnknown(origin, caller.userId)) throw deletedUser();
  const [{ fetchClerkUser }, { API_EVENT_ID, applyUserSnapshot }] = await Promise.all([
    import('../clerk/backend-api.ts'),
    import('../clerk/sync.ts'),
  ]);
  const lookup = await fetchClerkUser(clerkApiConfig(c.env), caller.userId);
  if (lookup.status === 'not-found') {
    await rememberUnknown(origin, caller.userId);
    throw deletedUser();
  }
  if (lookup.status === 'unavailable') {
    log({ level: 'warn', msg: 'clerk api unavailable', requestId: c.var.requestId, reason: lookup.reason });
    throw new ApiError('clerk-unavailable', 'Clerk could not be reached; retry later.', {
      headers: { 'Retry-After': String(lookup.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) },
    });
  }
  await applyUserSnapshot(db, lookup.user, { version: lookup.user.updated_at, eventId: API_EVENT_ID });
  // Read back: a concurrent webhook may have stored a newer version, or a deletion.
  const synced = await findUser(db, caller.userId);
  if (synced?.deletedAt) throw deletedUser();
  if (!isSynced(synced)) throw new Error('user row missing after applying the Clerk snapshot');
  return c.json(toMe(synced), 200);
});

type SyncedUser = NonNullable<UserRow> & { createdAt: Date; updatedAt: Date };

/** A full copy from Clerk: not a placeholder made from a membership event, not a tombstone. */
function isSynced(row: UserRow): row is SyncedUser {
  return (
    row !== undefined &&
    !row.isPlaceholder &&
    row.deletedAt === null &&
    row.createdAt !== null &&
    row.updatedAt !== null
  );
}

function toMe(row: SyncedUser): Me {
  return {
    id: row.id,
    clerkUserId: row.clerkUserId,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    imageUrl: row.imageUrl,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const deletedUser = () => notFound('This user has been deleted.');
