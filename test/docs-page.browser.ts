// `npm run test:browser`: GET /docs in a real headless Chromium (Debian's `chromium` package,
// driven by playwright-core; no browser download), served by `wrangler dev` exactly as in
// development. Checks that every operation of /openapi.json renders, that the page made no
// request to another origin and logged no error, and saves test-results/docs.png. Also that the
// page's static files carry the security headers of public/_headers (the Vitest pool does not
// serve static files; wrangler dev serves them as Cloudflare does).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyDocsAssets } from '../scripts/docs-assets.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'test-results', 'docs.png');

let wrangler: ChildProcess | undefined;
let browser: Browser | undefined;
let baseUrl = '';

beforeAll(async () => {
  copyDocsAssets();
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  wrangler = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', '--log-level', 'warn'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      // /docs and /openapi.json never touch the database; wrangler still wants a URL for the binding.
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: 'postgresql://unused:unused@127.0.0.1:9/unused',
        WRANGLER_SEND_METRICS: 'false',
      },
    },
  );
  await waitUntilServing(`${baseUrl}/health`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (wrangler && wrangler.exitCode === null) {
    const exited = new Promise((resolve) => wrangler!.once('exit', resolve));
    wrangler.kill('SIGINT');
    await exited;
  }
});

it('renders every operation of the OpenAPI document, offline', async () => {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
  );

  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const foreignRequests: string[] = [];
  const failures: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(baseUrl) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  page.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page: ${error.message}`));

  await page.goto(`${baseUrl}/docs`);
  const summaries = page.locator('.opblock-summary');
  await expect.poll(() => summaries.count(), { timeout: 30_000 }).toBe(operations.length);
  const rendered = await summaries.evaluateAll((elements) =>
    elements.map((element) => {
      const method = element.querySelector('.opblock-summary-method')?.textContent?.trim();
      const route = element.querySelector('.opblock-summary-path')?.getAttribute('data-path');
      return `${method} ${route}`;
    }),
  );
  expect(new Set(rendered)).toEqual(new Set(operations));

  // Expanding an operation renders its parameters and responses from the same document.
  await page.locator('.opblock-summary', { hasText: '/v1/me' }).first().click();
  const responseCodes = page.locator('.opblock.is-open .responses-table .response-col_status');
  await expect.poll(() => responseCodes.allTextContents(), { timeout: 10_000 }).toContain('200');

  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(foreignRequests).toEqual([]);
  expect(failures).toEqual([]);
});

it('serves the static files with the security headers of public/_headers', async () => {
  for (const file of ['/docs/init.js', '/docs/vendor/swagger-ui-bundle.js', '/docs/vendor/swagger-ui.css']) {
    const response = await fetch(`${baseUrl}${file}`);
    await response.body?.cancel();
    expect(response.status, file).toBe(200);
    expect(Object.fromEntries(response.headers), file).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'none'"),
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=15552000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  }
  // The rules are not a static file themselves.
  expect((await fetch(`${baseUrl}/_headers`)).status).toBe(404);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (wrangler?.exitCode !== null) throw new Error(`wrangler dev exited with code ${wrangler?.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not serve ${url} within 60 s`);
}
