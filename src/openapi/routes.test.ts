import { describe, expect, it } from 'vitest';
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import { documented } from '../../test/contract.ts';
import { call, roundTrips, uniqueId } from '../../test/helpers.ts';
import { deliver } from '../../test/webhooks.ts';
import { createApp } from '../app.ts';

type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of exactly the routes the app serves', async () => {
    const response = await call('/openapi.json');
    expect(roundTrips(response)).toBe(0);
    const document = await documented<Document>(response, 'GET /openapi.json');
    expect(document.openapi).toBe('3.1.0');
    const served = createApp()
      .routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(described)).toEqual(new Set(served));
  });

  it('declares the session scheme, and every error response is a Problem', async () => {
    const document = (await (await call('/openapi.json')).json()) as Document;
    expect(document.components.securitySchemes.clerkSession).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.security?.length) expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content, `${method} ${path} ${status}`).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          });
        }
      }
    }
  });
});

describe('GET /docs', () => {
  it('serves the reference page, loading only same-origin assets', async () => {
    const response = await call('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await response.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    // An empty data: icon keeps the browser from asking for /favicon.ico.
    expect(urls).toEqual([
      'data:,',
      '/docs/vendor/swagger-ui.css',
      '/docs/vendor/swagger-ui-bundle.js',
      '/docs/init.js',
    ]);
  });
});

describe('operational routes', () => {
  it('document their responses', async () => {
    await documented(await call('/health'), 'GET /health');
    await documented(await call('/ready'), 'GET /ready');
  });
});

describe('POST /webhooks/clerk', () => {
  it('answers as its documentation says', async () => {
    const event = clerkEvents.user('user.created', { id: uniqueId('user'), updatedAt: 1_700_000_000_000 });
    const { response, outcome } = await deliver(event);
    expect(outcome).toBe('applied');
    await documented(response, 'POST /webhooks/clerk');
    const unsigned = await call('/webhooks/clerk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    await documented(unsigned, 'POST /webhooks/clerk');
  });
});
