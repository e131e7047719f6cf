// `npm run dev` as a developer meets it, in a copy of the checkout:
// - it keeps the database password off every command line: `ps` shows command lines to every
//   user of the machine. Run on the Neon HTTP driver, where the Worker itself needs the URL,
//   against a database whose password is unique to this test;
// - without a Clerk account and offline, a new user's first GET /v1/me works: `npm run token`
//   tells the local Clerk stand-in about the user, as Clerk's Backend API would know them.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { timeBudget } from '../test/budget.ts';
import { freePort } from './lib/local-postgres.ts';
import { withPgClient } from './lib/pg-client.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { adminUrlOf } from './lib/scratch-database.ts';

const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
const role = `dev_cmdline_${suffix}`;
const password = `pw_${randomUUID().replaceAll('-', '')}`;
const serverUrl = inject('databaseUrl');

/** `serverUrl` as `role`, on database `name`. */
function roleUrl(name: string): string {
  const url = new URL(serverUrl);
  url.username = role;
  url.password = password;
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * The checkout copied to a temporary folder (node_modules linked): `npm run dev` writes .dev.vars,
 * .data/ and .wrangler/ in its checkout, which must not be the developer's.
 */
function copyOfCheckout(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dev-cmdline-'));
  const skipped = new Set(['node_modules', '.git', '.data', '.wrangler', '.dev.vars', 'coverage', 'test-results']);
  cpSync(PROJECT_ROOT, root, {
    recursive: true,
    filter: (source) => !skipped.has(path.relative(PROJECT_ROOT, source).split(path.sep)[0]!),
  });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

/** Every running process as pid and command line. */
function processes(): { pid: string; commandLine: string }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        return [{ pid, commandLine: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') }];
      } catch {
        return []; // exited meanwhile
      }
    });
}

/**
 * The pid of the wrangler process `npm run dev` started (wrangler's CLI proper, which its bin
 * script starts with the same arguments): the last process to receive its command line.
 */
async function wranglerPid(port: number, dev: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}:\n${output()}`);
    const wrangler = processes().find(
      ({ commandLine }) => commandLine.includes('wrangler-dist/cli.js dev') && commandLine.includes(`--port ${port}`),
    );
    if (wrangler) return wrangler.pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm run dev did not start wrangler within 60 s:\n${output()}`);
}

let checkout: string;

beforeAll(async () => {
  await withPgClient(serverUrl, (client) =>
    client.query(`create role ${client.escapeIdentifier(role)} login createdb password '${password}'`),
  );
  await withPgClient(roleUrl('postgres'), (client) => client.query(`create database ${client.escapeIdentifier(role)}`));
  checkout = copyOfCheckout();
});

afterAll(async () => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
  await withPgClient(roleUrl('postgres'), (client) =>
    client.query(`drop database if exists ${client.escapeIdentifier(role)} with (force)`),
  );
  await withPgClient(adminUrlOf(serverUrl), (client) =>
    client.query(`drop role if exists ${client.escapeIdentifier(role)}`),
  );
});

it('keeps the database password off every command line (Neon HTTP driver)', { timeout: 90_000 }, async () => {
  const port = await freePort();
  const databaseUrl = roleUrl(role);
  let output = '';
  const dev = spawn(process.execPath, ['scripts/dev.ts', '--driver', 'neon-http', '--port', String(port)], {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout.on('data', (chunk: Buffer) => (output += chunk));
  dev.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise((resolve) => dev.once('exit', resolve));
  try {
    // Command lines are fixed when a process starts: once wrangler runs, every one is there.
    const pid = await wranglerPid(port, dev, () => output);
    expect(processes().filter(({ commandLine }) => commandLine.includes(password))).toEqual([]);
    // The URL went through wrangler's environment instead (readable by its user only).
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`DATABASE_URL=${databaseUrl}`);
  } finally {
    dev.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (dev.exitCode === null) dev.kill('SIGKILL');
  }
});

it("answers a new user's first GET /v1/me offline: token feeds the local Clerk stand-in", {
  // npm run dev (wrangler, workerd, a bundle), then npm run token.
  timeout: timeBudget({ processes: 6 }),
}, async () => {
  const port = await freePort();
  let output = '';
  const dev = spawn(process.execPath, ['scripts/dev.ts', '--port', String(port)], {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: roleUrl(role) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout.on('data', (chunk: Buffer) => (output += chunk));
  dev.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise((resolve) => dev.once('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let ready = false; !ready; ) {
      if (dev.exitCode !== null) throw new Error(`npm run dev exited with ${dev.exitCode}:\n${output}`);
      ready = await fetch(`${base}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(output).toContain("Clerk's Backend API: a local stand-in");
    const sub = `user_offline_${suffix}`;
    const token = execFileSync(process.execPath, ['scripts/token.ts', '--sub', sub], { cwd: checkout })
      .toString()
      .trim();
    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ clerkUserId: sub, email: `${sub}@example.com` });
  } finally {
    dev.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (dev.exitCode === null) dev.kill('SIGKILL');
  }
});
