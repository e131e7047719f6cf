// wrangler.toml as the Node-side scripts read it: parsed directly (smol-toml), because loading
// wrangler itself to read two variables takes seconds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { PROJECT_ROOT } from './project-root.ts';

export const WRANGLER_CONFIG = path.join(PROJECT_ROOT, 'wrangler.toml');

interface WorkerConfig {
  name?: string;
  vars?: Record<string, unknown>;
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
  hyperdrive?: { binding: string; id: string }[];
}

/** The top level, or `[env.<env>]` (wrangler inherits neither vars nor bindings from the top). */
export function wranglerSection(env?: string): WorkerConfig {
  const config = parse(readFileSync(WRANGLER_CONFIG, 'utf8')) as WorkerConfig & {
    env?: Record<string, WorkerConfig>;
  };
  const section = env ? config.env?.[env] : config;
  if (!section) throw new Error(`wrangler.toml has no [env.${env}]`);
  return section;
}

/** The `[vars]` of the top level or of `[env.<env>]`. */
export function wranglerVars(env?: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(wranglerSection(env).vars ?? {}).map(([key, value]) => [key, String(value)]),
  );
}

/** Requests per period of each [[ratelimits]] binding, by name: `{ RATE_LIMIT_CALLER: 600, ... }`. */
export function wranglerRateLimits(env?: string): Record<string, number> {
  return Object.fromEntries((wranglerSection(env).ratelimits ?? []).map((limit) => [limit.name, limit.simple.limit]));
}
