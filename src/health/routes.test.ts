import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, roundTrips } from '../../test/helpers.ts';
import { createApp } from '../app.ts';

describe('GET /health', () => {
  it('answers ok without touching the database', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(roundTrips(response)).toBe(0);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /ready', () => {
  it('answers ready after one database round trip', async () => {
    const response = await call('/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
    expect(roundTrips(response)).toBe(1);
  });
});

describe('unknown routes', () => {
  it('are 404 problem+json with a request id', async () => {
    const response = await call('/nope', { headers: { 'x-request-id': 'client-id-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: '/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /nope.',
      requestId: 'client-id-123',
    });
  });
});

describe('invalid configuration', () => {
  const withEnv = async (path: string, overrides: Record<string, unknown>) => {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request(`http://api.test${path}`), { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };

  it('is a 500 problem naming the variable, without leaking its value', async () => {
    const response = await withEnv('/ready', { DB_DRIVER: 'neon-http', DATABASE_URL: 'mysql://user:hunter2@db/app' });
    expect(response.status).toBe(500);
    const body = await response.json<{ type: string; detail: string }>();
    expect(body.type).toBe('/problems/misconfigured');
    expect(body.detail).toContain('DATABASE_URL');
    expect(body.detail).not.toContain('hunter2');
  });

  it('does not stop /health, which needs no configuration', async () => {
    const response = await withEnv('/health', { DB_DRIVER: 'neon-http', DATABASE_URL: '' });
    expect(response.status).toBe(200);
  });
});
