// NEON_HTTP_ENDPOINT is honoured in development only: anywhere else the Neon driver would send
// the connection string, password included, to whatever host it names.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createApp } from './app.ts';
import { databaseConfig } from './config.ts';

async function ready(overrides: Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(new Request('http://api.test/ready'), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

// The Neon HTTP driver pointed at the local endpoint, which answers: only the config stops it.
const databaseUrl = inject('databaseUrl');
const neonHttpEndpoint = inject('neonHttpEndpoint');
const neonHttpThroughLocalEndpoint = {
  DB_DRIVER: 'neon-http',
  DATABASE_URL: databaseUrl,
  NEON_HTTP_ENDPOINT: neonHttpEndpoint,
};

describe('NEON_HTTP_ENDPOINT', () => {
  it('is used in development', async () => {
    const response = await ready({ ...neonHttpThroughLocalEndpoint, APP_ENV: 'development' });
    expect(response.status).toBe(200);
  });

  it.each(['production', 'staging', ''])(
    'is a 500 problem naming it, without its value or the database URL, with APP_ENV=%j',
    async (appEnv) => {
      const response = await ready({ ...neonHttpThroughLocalEndpoint, APP_ENV: appEnv });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({
        type: '/problems/misconfigured',
        detail: expect.stringContaining('NEON_HTTP_ENDPOINT'),
      });
      expect(body).not.toContain(new URL(neonHttpEndpoint).host);
      expect(body).not.toContain(new URL(databaseUrl).host);
    },
  );

  it('fails outside development even when the pg driver would not use it', async () => {
    const response = await ready({ NEON_HTTP_ENDPOINT: neonHttpEndpoint, APP_ENV: 'production' });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ type: '/problems/misconfigured' });
  });
});

// A deployment's bundle carries one driver (wrangler.toml [define] BUNDLED_DB_DRIVER; esbuild
// replaces the name with its value). Unbuilt, as here, it is a global the tests can set.
describe('BUNDLED_DB_DRIVER', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('with pg only, DB_DRIVER=neon-http is a 500 problem naming both', async () => {
    vi.stubGlobal('BUNDLED_DB_DRIVER', 'pg');
    const response = await ready({ ...neonHttpThroughLocalEndpoint, APP_ENV: 'development' });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      type: '/problems/misconfigured',
      detail: expect.stringMatching(/DB_DRIVER is neon-http.*BUNDLED_DB_DRIVER/),
    });
  });

  it('with neon-http only, is the driver even when HYPERDRIVE is bound', async () => {
    vi.stubGlobal('BUNDLED_DB_DRIVER', 'neon-http');
    const neonHttpUnforced = { ...neonHttpThroughLocalEndpoint, DB_DRIVER: '' };
    const response = await ready({ ...neonHttpUnforced, APP_ENV: 'development' });
    expect(response.status).toBe(200);
    expect(databaseConfig({ ...env, ...neonHttpUnforced, APP_ENV: 'development' }).driver).toBe('neon-http');
  });
});
