// What every response carries from src/middleware/request-context.ts: the request id (a client's
// own only when it is a plausible id) and, only where configured, Server-Timing.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call } from '../../test/helpers.ts';
import { createApp } from '../app.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  it.each(['req-01HZX3KQ9J', 'a'.repeat(128), '0b5d2f1e-3c4a-4b6d-8e9f-a1b2c3d4e5f6', 'trace:span.1_2'])(
    'keeps a client id made of safe characters, 8 to 128 long: %s',
    async (id) => {
      const response = await call('/health', { headers: { 'x-request-id': id } });
      expect(response.headers.get('x-request-id')).toBe(id);
    },
  );

  it.each([
    ['too short', 'abc1234'],
    ['too long', 'a'.repeat(129)],
    ['spaces', 'abc def ghi'],
    ['markup', '<script>alert(1)</script>'],
    ['a log line', '{"level":"error","msg":"forged"}'],
    ['a tab', 'request\tid-1234'],
  ])('replaces one with %s by its own, in the header and the problem body', async (_, id) => {
    const response = await call('/no-such-route', { headers: { 'x-request-id': id } });
    const own = response.headers.get('x-request-id');
    expect(own).toMatch(UUID);
    expect(await response.json()).toMatchObject({ requestId: own });
  });
});

describe('Server-Timing', () => {
  async function health(overrides: Record<string, unknown>): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request('http://api.test/health'), { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it('is sent in development (the tests and the benchmark read it)', async () => {
    expect((await health({ APP_ENV: 'development' })).headers.get('server-timing')).toMatch(/^db;dur=/);
  });

  it.each(['production', 'staging'])('is not sent with APP_ENV=%s unless SERVER_TIMING=true', async (appEnv) => {
    expect((await health({ APP_ENV: appEnv })).headers.get('server-timing')).toBeNull();
    expect((await health({ APP_ENV: appEnv, SERVER_TIMING: 'false' })).headers.get('server-timing')).toBeNull();
    expect((await health({ APP_ENV: appEnv, SERVER_TIMING: 'true' })).headers.get('server-timing')).toMatch(/^db;/);
  });

  it('is off in development with SERVER_TIMING=false, and a malformed value is a 500 naming it', async () => {
    expect((await health({ APP_ENV: 'development', SERVER_TIMING: 'false' })).headers.get('server-timing')).toBeNull();
    const malformed = await health({ APP_ENV: 'production', SERVER_TIMING: 'yes' });
    expect(malformed.status).toBe(500);
    expect(await malformed.json()).toMatchObject({
      type: '/problems/misconfigured',
      detail: expect.stringContaining('SERVER_TIMING'),
    });
  });
});
