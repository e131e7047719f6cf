// What a deployed environment is, as wrangler.toml, the deploy workflow and the docs say it: the
// abuse limits in every environment, no workers.dev or preview URLs, traces sampled, and Hyperdrive
// without its query cache everywhere the Worker reads and writes (README, "Security" and
// "Hyperdrive and read-your-writes").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { RATE_LIMIT_PERIOD_SECONDS } from '../src/middleware/rate-limit.ts';
import { cachingProblem } from './lib/hyperdrive.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { WRANGLER_CONFIG, wranglerSection } from './lib/wrangler-config.ts';

const DEPLOYED = ['staging', 'production'];
const ENVIRONMENTS = [undefined, ...DEPLOYED];
const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

describe('rate limits', () => {
  it('are bound at the top level with the defaults the Worker tests assume (wrangler dev, the Vitest plugin)', () => {
    expect((wranglerSection().ratelimits ?? []).map(({ name, simple }) => [name, simple])).toEqual([
      ['RATE_LIMIT_CALLER', { limit: 600, period: RATE_LIMIT_PERIOD_SECONDS }],
      ['RATE_LIMIT_CLIENT_IP', { limit: 100, period: RATE_LIMIT_PERIOD_SECONDS }],
    ]);
  });

  it.each(DEPLOYED)('are bound in %s too (wrangler does not inherit them), counted per Retry-After', (env) => {
    const limits = wranglerSection(env).ratelimits ?? [];
    expect(limits.map(({ name }) => name)).toEqual(['RATE_LIMIT_CALLER', 'RATE_LIMIT_CLIENT_IP']);
    for (const { simple } of limits) {
      expect(simple.period).toBe(RATE_LIMIT_PERIOD_SECONDS);
      expect(simple.limit).toBeGreaterThanOrEqual(1);
    }
  });

  it('count each environment apart (namespace ids unique across environments)', () => {
    const ids = ENVIRONMENTS.flatMap((env) => (wranglerSection(env).ratelimits ?? []).map((l) => l.namespace_id));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d*$/);
  });
});

describe('deployed environments', () => {
  const config = parse(readFileSync(WRANGLER_CONFIG, 'utf8')) as {
    observability?: {
      logs?: { enabled?: boolean; head_sampling_rate?: number };
      traces?: { enabled?: boolean; head_sampling_rate?: number };
    };
    env: Record<string, { workers_dev?: boolean; preview_urls?: boolean; routes?: { pattern: string }[] }>;
  };

  it.each(DEPLOYED)('%s answers on its own domain only: no workers.dev URL, no preview URLs', (env) => {
    const section = config.env[env]!;
    expect(section.workers_dev).toBe(false);
    expect(section.preview_urls).toBe(false);
    expect(section.routes?.length).toBeGreaterThan(0);
  });

  it('keeps every log line and samples traces', () => {
    expect(config.observability?.logs).toMatchObject({ enabled: true, head_sampling_rate: 1 });
    expect(config.observability?.traces?.enabled).toBe(true);
    const rate = config.observability?.traces?.head_sampling_rate ?? 0;
    expect(rate > 0 && rate <= 1).toBe(true);
  });
});

describe("Hyperdrive's query cache", () => {
  it.each(ENVIRONMENTS)('%s binds one Hyperdrive config, HYPERDRIVE, for every query', (env) => {
    expect((wranglerSection(env).hyperdrive ?? []).map((binding) => binding.binding)).toEqual(['HYPERDRIVE']);
  });

  it('is reached only through databaseConfig (src/config.ts), which every route and job uses', () => {
    const sources = (folder: string): string[] =>
      readdirSync(path.join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
        .map((file) => path.join(folder, file));
    const naming = [...sources('src'), ...sources('db')].filter((file) => /\bHYPERDRIVE/.test(read(file)));
    expect(naming).toEqual(['src/config.ts']);
  });

  it('is disabled by every documented `hyperdrive create` command', () => {
    const documents = [
      'README.md',
      'wrangler.toml',
      ...readdirSync(path.join(PROJECT_ROOT, 'docs')).map((file) => `docs/${file}`),
      ...readdirSync(path.join(PROJECT_ROOT, '.github/workflows')).map((file) => `.github/workflows/${file}`),
    ];
    const commands = documents.flatMap((file) =>
      read(file)
        .split('\n')
        .filter((line) => /wrangler hyperdrive create/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      expect(command).toContain('--caching-disabled');
      expect(command).not.toMatch(/--max-age|--swr/);
    }
  });

  it('is checked before each deploy by the deploy workflow', () => {
    const workflow = read('.github/workflows/deploy.yml');
    for (const env of DEPLOYED) {
      const check = workflow.indexOf(`npm run hyperdrive:check -- --env ${env}`);
      const deploy = workflow.indexOf(`npm run deploy -- --env ${env}`);
      expect(check, env).toBeGreaterThan(-1);
      expect(check, env).toBeLessThan(deploy);
    }
  });

  it('counts as disabled only when the config says so', () => {
    expect(cachingProblem({ id: 'x', caching: { disabled: true } })).toBeUndefined();
    expect(cachingProblem({ id: 'x', caching: { disabled: false } })).toMatch(/query cache is on \(the default/);
    expect(cachingProblem({ id: 'x', caching: { max_age: 30 } })).toMatch(/max_age 30 s/);
    expect(cachingProblem({ id: 'x' })).toMatch(/--caching-disabled/);
  });
});
