import { describe, expect, it } from 'vitest';
import { call, roundTrips } from '../../test/helpers.ts';

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
