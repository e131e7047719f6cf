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
}

/** The `[vars]` of the top level or of `[env.<env>]` (wrangler does not inherit vars). */
export function wranglerVars(env?: string): Record<string, string> {
  const config = parse(readFileSync(WRANGLER_CONFIG, 'utf8')) as WorkerConfig & {
    env?: Record<string, WorkerConfig>;
  };
  const section = env ? config.env?.[env] : config;
  if (!section) throw new Error(`wrangler.toml has no [env.${env}]`);
  return Object.fromEntries(Object.entries(section.vars ?? {}).map(([key, value]) => [key, String(value)]));
}
