// `hc<AppType>` infers every route, its inputs and its outputs: these calls type-check only
// because of it, and the answers are the Worker's.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { clerkEvents } from '../scripts/lib/clerk-events.ts';
import { client } from './client.ts';
import { uniqueId } from './helpers.ts';
import { sessionHeaders } from './sessions.ts';
import { deliver } from './webhooks.ts';

describe('the typed client', () => {
  it('calls /health and /v1/me with typed answers', async () => {
    const health = await client.health.$get();
    expect(health.status).toBe(200);
    expectTypeOf(await health.json()).toEqualTypeOf<{ status: 'ok' }>();

    const id = uniqueId('user');
    await deliver(clerkEvents.user('user.created', { id, email: `${id}@example.com`, updatedAt: Date.now() }));
    const me = await client.v1.me.$get({}, { headers: await sessionHeaders(id) });
    expect(me.status).toBe(200);
    if (me.status !== 200) return;
    const body = await me.json();
    expectTypeOf(body.email).toEqualTypeOf<string | null>();
    expect(body).toMatchObject({ clerkUserId: id, email: `${id}@example.com` });
  });
});
