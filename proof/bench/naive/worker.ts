// The naive baseline of `npm run bench -- --rtt N` (proof/bench/rtt.ts): the benchmarked endpoints
// written the way tutorials write them, one ORM call per step, each awaited before the next. Same
// routes, payloads, status codes and response shapes as the template (checked before every
// measurement, proof/bench/rtt-parity.ts), same tables, same drivers and bindings; never deployed.
//
// Round trips per request, against the template's one:
// - POST /webhooks/clerk: is the svix id in the ledger? read the user, upsert it, write the ledger (4);
// - POST /v1/projects with an Idempotency-Key: read the owner, look the key up, insert the project,
//   store the key (4; 2 without a key);
// - GET /v1/projects: read the owner, read the page, count the owner's projects for `nextCursor` (3).
//
// It does less than the template, which only makes it faster: user.* events only (the benchmark's),
// no organizations, no quota, no request validation beyond the fields it reads, no rate limits, no
// Server-Timing, and it is not safe under concurrent deliveries or retries (nothing here is atomic).

import { verifyToken } from '@clerk/backend';
import { neon, neonConfig } from '@neondatabase/serverless';
import { and, count, desc, eq, lt } from 'drizzle-orm';
import { drizzle as drizzleNeon } from 'drizzle-orm/neon-http';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { Client } from 'pg';
import { Webhook } from 'svix';
import * as schema from './schema.ts';

const { idempotencyKeys, projects, users, webhookEvents } = schema;

interface Env {
  HYPERDRIVE: Hyperdrive;
  DB_DRIVER?: string;
  DATABASE_URL?: string;
  NEON_HTTP_ENDPOINT?: string;
  CLERK_JWT_KEY: string;
  CLERK_AUTHORIZED_PARTIES: string;
  CLERK_WEBHOOK_SIGNING_SECRET: string;
}

type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type AppEnv = { Bindings: Env; Variables: { db: Db; clerkUserId: string } };
const app = new Hono<AppEnv>();

app.get('/health', (c) => c.json({ status: 'ok' }));

// A database per request, as the Hyperdrive and Neon guides show it.
const connect = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DB_DRIVER === 'neon-http') {
    if (c.env.NEON_HTTP_ENDPOINT) neonConfig.fetchEndpoint = c.env.NEON_HTTP_ENDPOINT;
    c.set('db', drizzleNeon(neon(c.env.DATABASE_URL!), { schema }) as unknown as Db);
    return next();
  }
  const client = new Client({ connectionString: c.env.HYPERDRIVE.connectionString });
  await client.connect();
  c.set('db', drizzlePg(client, { schema }));
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(client.end());
  }
});
app.use('/v1/*', connect);
app.use('/webhooks/*', connect);

app.use('/v1/*', async (c, next) => {
  const token = c.req.header('authorization')?.replace(/^Bearer /, '');
  if (!token) return c.json({ title: 'Unauthorized' }, 401);
  try {
    const claims = await verifyToken(token, {
      jwtKey: c.env.CLERK_JWT_KEY,
      authorizedParties: c.env.CLERK_AUTHORIZED_PARTIES.split(','),
    });
    c.set('clerkUserId', claims.sub);
  } catch {
    return c.json({ title: 'Unauthorized' }, 401);
  }
  await next();
});

app.post('/webhooks/clerk', async (c) => {
  const body = await c.req.text();
  try {
    new Webhook(c.env.CLERK_WEBHOOK_SIGNING_SECRET).verify(body, {
      'svix-id': c.req.header('svix-id') ?? '',
      'svix-timestamp': c.req.header('svix-timestamp') ?? '',
      'svix-signature': c.req.header('svix-signature') ?? '',
    });
  } catch {
    return c.json({ title: 'Invalid signature' }, 401);
  }
  const event = JSON.parse(body) as ClerkUserEvent;
  const svixId = c.req.header('svix-id')!;
  const db = c.var.db;

  const [seen] = await db.select().from(webhookEvents).where(eq(webhookEvents.svixId, svixId));
  if (seen) return c.json({ outcome: 'duplicate' });

  const user = event.data;
  const [existing] = await db.select().from(users).where(eq(users.clerkUserId, user.id));
  let outcome: 'applied' | 'stale' = 'applied';
  if (existing && existing.sourceVersion > user.updated_at) {
    outcome = 'stale';
  } else {
    const values = {
      email: user.email_addresses.find((address) => address.id === user.primary_email_address_id)?.email_address,
      firstName: user.first_name,
      lastName: user.last_name,
      imageUrl: user.image_url,
      clerkCreatedAt: new Date(user.created_at),
      clerkUpdatedAt: new Date(user.updated_at),
      sourceVersion: user.updated_at,
      sourceEventId: svixId,
      isPlaceholder: false,
      syncedAt: new Date(),
    };
    await db
      .insert(users)
      .values({ clerkUserId: user.id, ...values })
      .onConflictDoUpdate({ target: users.clerkUserId, set: values });
  }

  await db.insert(webhookEvents).values({ svixId, eventType: event.type, outcome });
  return c.json({ outcome });
});

app.post('/v1/projects', async (c) => {
  const db = c.var.db;
  const owner = await findOwner(db, c.var.clerkUserId);
  if (!owner) return c.json({ title: 'Not found' }, 404);

  const key = c.req.header('idempotency-key');
  const keyHash = key ? await sha256(`POST /v1/projects ${owner.id} ${key}`) : undefined;
  if (keyHash) {
    const [stored] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.keyHash, keyHash));
    if (stored) return c.json(JSON.parse(stored.response), 201, { 'Idempotent-Replayed': 'true' });
  }

  const body = await c.req.json<{ name: string; description?: string | null }>();
  const [project] = await db
    .insert(projects)
    .values({ userId: owner.id, name: body.name, description: body.description ?? null })
    .returning();
  const created = toProject(project!);

  if (keyHash) {
    await db.insert(idempotencyKeys).values({
      keyHash,
      requestHash: await sha256(JSON.stringify(body)),
      response: JSON.stringify(created),
      expiresAt: new Date(Date.now() + 24 * 3600_000),
    });
  }
  return c.json(created, 201, { Location: `/v1/projects/${created.id}`, ETag: '"1"' });
});

app.get('/v1/projects', async (c) => {
  const db = c.var.db;
  const owner = await findOwner(db, c.var.clerkUserId);
  if (!owner) return c.json({ data: [], nextCursor: null });

  const limit = Number(c.req.query('limit') ?? 20);
  const cursor = c.req.query('cursor');
  const mine = and(eq(projects.userId, owner.id), cursor ? lt(projects.id, cursor) : undefined);
  const rows = await db.select().from(projects).where(mine).orderBy(desc(projects.id)).limit(limit);
  const [{ total }] = (await db.select({ total: count() }).from(projects).where(mine)) as [{ total: number }];
  return c.json({ data: rows.map(toProject), nextCursor: total > limit ? rows.at(-1)!.id : null });
});

function findOwner(db: Db, clerkUserId: string) {
  return db.query.users.findFirst({ where: eq(users.clerkUserId, clerkUserId) });
}

function toProject(row: typeof projects.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}

interface ClerkUserEvent {
  type: 'user.created' | 'user.updated';
  data: {
    id: string;
    first_name: string | null;
    last_name: string | null;
    image_url: string | null;
    primary_email_address_id: string | null;
    email_addresses: { id: string; email_address: string }[];
    created_at: number;
    updated_at: number;
  };
}

export default app;
