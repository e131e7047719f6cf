// Shared helpers for tests that run inside workerd against the real Worker.
import { env, exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { pgDb } from '../db/pg.ts';
import { organizations, users } from '../db/schema.ts';

/**
 * This test file's client address, as Cloudflare's edge sets it (CF-Connecting-IP): the per-IP
 * limits count a file's requests as one client's (an address of 198.18.0.0/15, for testing).
 */
export const CLIENT_IP = `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** Sends a request through the Worker's real fetch handler, from CLIENT_IP unless it names another. */
export function send(request: Request): Promise<Response> {
  if (!request.headers.has('cf-connecting-ip')) request.headers.set('cf-connecting-ip', CLIENT_IP);
  return exports.default.fetch(request);
}

/** `send` for a path of the API. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return send(new Request(`http://api.test${path}`, init));
}

/** Database round trips the Worker reported for a response (Server-Timing). */
export function roundTrips(response: Response): number {
  const match = /db;dur=[\d.]+;desc="(\d+) round trips"/.exec(response.headers.get('server-timing') ?? '');
  if (!match) throw new Error(`no db Server-Timing on ${response.url}`);
  return Number(match[1]);
}

/** A direct connection for arranging and asserting database state (pg over the local socket). */
export function testDb(): { db: Database; close: () => Promise<void> } {
  return pgDb(env.HYPERDRIVE.connectionString, (work) => work());
}

/** A unique suffix so each test file's rows never collide with another's. */
export function uniqueId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

/** Runs `work` with a direct pg connection (arranging and asserting, never the code under test). */
export async function withTestDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const { db, close } = testDb();
  try {
    return await work(db);
  } finally {
    await close();
  }
}

export function userRow(clerkUserId: string) {
  return withTestDb(async (db) => {
    const [row] = await db.select().from(users).where(eq(users.clerkUserId, clerkUserId));
    return row;
  });
}

export function organizationRow(clerkOrgId: string) {
  return withTestDb(async (db) => {
    const [row] = await db.select().from(organizations).where(eq(organizations.clerkOrgId, clerkOrgId));
    return row;
  });
}
