// Where `npm run dev` is listening: recorded while it runs, so `npm run webhook` and
// `npm run token` follow it to whatever port it chose instead of assuming 8787.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

export const DEFAULT_DEV_URL = 'http://localhost:8787';
const STATE_FILE = path.join(PROJECT_ROOT, '.data', 'dev-server.json');

export interface DevServer {
  url: string;
  /** The wrangler environment (`--env`), when not the top level. */
  env?: string | undefined;
  pid: number;
}

export function recordDevServer(server: DevServer): void {
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(server)}\n`);
}

export function forgetDevServer(): void {
  rmSync(STATE_FILE, { force: true });
}

/** The running `npm run dev`, if any (a file left by a crashed one is ignored). */
export function runningDevServer(): DevServer | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  try {
    const server = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DevServer;
    process.kill(server.pid, 0);
    return server;
  } catch {
    return undefined;
  }
}
