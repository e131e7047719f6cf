// Whether the installed workerd accepts wrangler.toml's compatibility date and flags. A workerd binary
// refuses dates after the newest one it supports, which is about a week after its release and later
// than the `compatibilityDate` its npm package exports, so the only exact answer is the binary's own:
// `workerd test` on an empty Worker at that date (a tenth of a second).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import type { PackageLock } from './platform-builds.ts';
import { PROJECT_ROOT } from './project-root.ts';

export interface Workerd {
  /** Its folder, the package-lock.json key, e.g. `node_modules/workerd`. */
  location: string;
  version: string;
}

export interface CompatibilitySettings {
  /** `wrangler.toml`, or `[env.<name>]` when an environment sets its own. */
  section: string;
  date: string;
  flags: string[];
}

/** Every workerd in the lockfile: wrangler's, and miniflare's (the tests') if it differs. */
export function installedWorkerds(lock: PackageLock): Workerd[] {
  return Object.entries(lock.packages)
    .filter(([location]) => location === 'node_modules/workerd' || location.endsWith('/node_modules/workerd'))
    .map(([location, entry]) => ({ location, version: entry.version ?? 'unknown' }));
}

interface CompatibilityKeys {
  compatibility_date?: string;
  compatibility_flags?: string[];
}

/** The top level's compatibility date and flags, and those of each environment that overrides them. */
export function compatibilitySettings(configFile: string): CompatibilitySettings[] {
  const config = parse(readFileSync(configFile, 'utf8')) as CompatibilityKeys & {
    env?: Record<string, CompatibilityKeys>;
  };
  if (!config.compatibility_date) throw new Error(`${path.basename(configFile)} has no compatibility_date`);
  const top = { date: config.compatibility_date, flags: config.compatibility_flags ?? [] };
  return [
    { section: path.basename(configFile), ...top },
    ...Object.entries(config.env ?? {})
      .filter(([, env]) => env.compatibility_date || env.compatibility_flags)
      .map(([name, env]) => ({
        section: `[env.${name}]`,
        date: env.compatibility_date ?? top.date,
        flags: env.compatibility_flags ?? top.flags,
      })),
  ];
}

/** Why this workerd refuses the date and flags (its own words), or undefined when it accepts them. */
export function workerdRejection(workerd: Workerd, date: string, flags: string[]): string | undefined {
  const { default: binary } = createRequire(import.meta.url)(path.join(PROJECT_ROOT, workerd.location)) as {
    default: string;
  };
  const folder = mkdtempSync(path.join(tmpdir(), 'workerd-compat-date-'));
  try {
    const config = path.join(folder, 'config.capnp');
    writeFileSync(config, capnpConfig(date, flags));
    const run = spawnSync(binary, ['test', config], { encoding: 'utf8', timeout: 30_000 });
    if (run.status === 0) return undefined;
    const output = `${run.stderr}${run.stdout}`.trim();
    return output || run.error?.message || `workerd exited with ${run.status ?? run.signal}`;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function capnpConfig(date: string, flags: string[]): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "compatibility-check", worker = (
    modules = [(name = "check.js", esModule = "export default { test() {} }")],
    compatibilityDate = ${JSON.stringify(date)},
    compatibilityFlags = ${JSON.stringify(flags)},
  ))],
);
`;
}
