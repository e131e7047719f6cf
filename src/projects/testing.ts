// Helpers for the /v1/projects tests: creating projects as a caller, and direct reads of the rows.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { organizations, projectAssets, projects, users } from '../../db/schema.ts';
import { call, withTestDb } from '../../test/helpers.ts';
import { callAs, sessionHeaders, type TestCaller } from '../../test/sessions.ts';
import worker from '../index.ts';
import { ASSET_KEY_PREFIX } from './assets.ts';
import { type EntryMetadata, type PageEntry, pageKey } from './public-page.ts';

export interface ProjectBody {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function createProject(caller: TestCaller, name: string, headers: Record<string, string> = {}) {
  const response = await callAs(caller, '/v1/projects', { method: 'POST', body: { name }, headers });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ProjectBody;
}

export function ownerProjectCount(owner: { organization: string } | { user: string }) {
  return withTestDb(async (db) => {
    const [row] = await executeRows<{ count: string }>(
      db,
      'organization' in owner
        ? sql`select count(*) from ${projects} join ${organizations} o on o.id = ${projects.organizationId} where o.clerk_org_id = ${owner.organization}`
        : sql`select count(*) from ${projects} join ${users} u on u.id = ${projects.userId} where u.clerk_user_id = ${owner.user}`,
    );
    return Number(row?.count);
  });
}

// Publication and assets. Changes reach KV and R2 after the response (waitUntil): `settled` calls
// the Worker with an execution context of its own and waits for that work, so a test can assert
// what KV and R2 hold afterwards.

/** Calls the Worker as `caller` (or anonymously) and waits for its after-response work. */
export async function settled(
  path: string,
  init: { caller?: TestCaller; method?: string; body?: BodyInit | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = init.caller ? await sessionHeaders(init.caller.sub, init.caller.organization) : {};
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`http://api.test${path}`, {
      method: init.method ?? 'GET',
      headers: { ...headers, ...init.headers },
      body: init.body ?? null,
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** Sends a JSON body through `settled`. */
export const settledJson = (caller: TestCaller, path: string, method: string, body: unknown) =>
  settled(path, { caller, method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export async function publish(caller: TestCaller, projectId: string, slug: string) {
  const response = await settledJson(caller, `/v1/projects/${projectId}/publication`, 'PUT', { slug });
  if (response.status !== 200) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { slug: string; publishedAt: string; href: string };
}

/** A fresh slug for one test. */
export const uniqueSlug = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** What KV holds for `slug`, with its metadata. */
export async function storedEntry(slug: string) {
  const { value, metadata } = await env.PROJECT_PAGES.getWithMetadata<PageEntry, EntryMetadata>(pageKey(slug), 'json');
  return { entry: value, metadata };
}

/** A small file of `type` (its signature, then `size - signature` pseudo-random bytes). */
export function fileOf(type: 'image/png' | 'image/jpeg' | 'application/pdf', size: number): Uint8Array {
  const signatures = {
    'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'image/jpeg': [0xff, 0xd8, 0xff, 0xe0],
    'application/pdf': [...new TextEncoder().encode('%PDF-1.7\n')],
  };
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes.subarray(0, Math.min(size, 65_536)));
  bytes.set(signatures[type].slice(0, size));
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function upload(caller: TestCaller, projectId: string, name: string, bytes: Uint8Array, type: string) {
  return settled(`/v1/projects/${projectId}/assets/${name}`, {
    caller,
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': type, 'content-length': String(bytes.byteLength) },
  });
}

/** Every object key under the assets prefix, and every asset row's key (to assert "nothing stored"). */
export async function storedAssets(): Promise<{ objects: string[]; rows: string[] }> {
  const objects: string[] = [];
  let cursor: string | undefined;
  do {
    const listed = await env.PROJECT_ASSETS.list({ prefix: ASSET_KEY_PREFIX, cursor });
    objects.push(...listed.objects.map((object) => object.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  const rows = await withTestDb((db) =>
    executeRows<{ object_key: string }>(db, sql`select object_key from ${projectAssets}`),
  );
  return { objects: objects.sort(), rows: rows.map((row) => row.object_key).sort() };
}

type Operations = Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
let openApiPaths: Promise<Operations> | undefined;

/**
 * A file response (test/contract.ts `documented` reads bodies as JSON): its status is documented
 * for `operation`, with its Content-Type.
 */
export async function documentedFile(response: Response, operation: string): Promise<void> {
  openApiPaths ??= call('/openapi.json').then(
    async (document) => ((await document.json()) as { paths: Operations }).paths,
  );
  const [method, path] = operation.split(' ') as [string, string];
  const documented = (await openApiPaths)[path]?.[method.toLowerCase()]?.responses[String(response.status)];
  expect(documented, `${operation} documents ${response.status}`).toBeDefined();
  const mediaType = response.headers.get('content-type')?.split(';')[0] ?? '';
  expect(Object.keys(documented?.content ?? {}), `${operation} ${response.status} documents ${mediaType}`).toContain(
    mediaType,
  );
}
