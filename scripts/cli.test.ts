// Every `npm run` script as a user meets it: `--help` answers with the usage, a mistake or an
// unreachable dependency is one line saying how to fix it, and a failure is a non-zero exit,
// also in a process that ran an embedded PostgreSQL (whose package once forced exit code 0).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { timeBudget } from '../test/budget.ts';
import { freePort } from './lib/local-postgres.ts';
import { applyMigrations } from './lib/migrations.ts';
import { withNodeDb } from './lib/node-db.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { createScratchDatabase } from './lib/scratch-database.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** `npm run <name>` without npm: the script's own command line, as package.json declares it. */
function scriptCommand(name: string): string[] {
  const scripts = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  const match = /^node (\S+\.ts)( .*)?$/.exec(scripts[name] ?? '');
  if (!match) throw new Error(`${name} is not a node script`);
  return [match[1]!, ...(match[2]?.trim().split(/\s+/) ?? [])];
}

const NODE_SCRIPTS = Object.entries(
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>,
)
  .filter(([name, command]) => /^node \S+\.ts\b/.test(command) && name !== 'postinstall')
  .map(([name]) => name);

/** A stack trace's frames: what a user should never have to read for an expected failure. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

// Each test starts one or two Node processes of a script.
describe('npm run scripts', { timeout: timeBudget({ processes: 2 }) }, () => {
  it('has scripts to check', () => {
    expect(NODE_SCRIPTS).toEqual(expect.arrayContaining(['dev', 'token', 'webhook', 'db:query', 'sync:clerk']));
  });

  it.each(NODE_SCRIPTS)('%s --help prints its usage and exits 0', async (name) => {
    const run = await runNode([...scriptCommand(name), '--help']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run /);
  });

  it.each(['token', 'webhook', 'db:query', 'bench', 'probe', 'hyperdrive:check'])(
    '%s rejects an unknown option in one line, exit 2',
    async (name) => {
      const run = await runNode([...scriptCommand(name), '--no-such-option']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^${name}: .*no-such-option.*\\nRun \`npm run ${name} -- --help\``));
      expect(run.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it('webhook names the URL nobody answered at and how to point elsewhere', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runNode([...scriptCommand('webhook'), 'user.created', '--url', url], {
      CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${Buffer.from('cli-test').toString('base64')}`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `webhook: no dev server answered at ${url} (ECONNREFUSED). Start one with \`npm run dev\`, or point at another with --url http://host:port.`,
    );
  });

  it('probe names the API nobody answered, in one line, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runNode([...scriptCommand('probe'), '--url', url, '--path', '/v1/widgets'], {
      PROBE_TOKEN: 'a-token',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`probe: no API answered GET ${url}/v1/widgets?limit=100 (ECONNREFUSED)`);
  });

  it('db:query prints a SQL error as message and position, exit 1', async () => {
    const run = await runNode([...scriptCommand('db:query'), 'select 1 as one,', 'nope from users'], {
      DATABASE_URL: inject('databaseUrl'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('db:query: ERROR 42703: column "nope" does not exist');
    expect(run.stderr).toContain('\n  select 1 as one, nope from users\n                   ^ (character 18)');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('sync:clerk exits 1 when Clerk cannot be reached', async () => {
    const run = await runNode(scriptCommand('sync:clerk'), {
      DATABASE_URL: inject('databaseUrl'),
      CLERK_API_URL: `http://127.0.0.1:${await freePort()}`,
      CLERK_SECRET_KEY: 'sk_test_cli',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"stoppedEarly": "Clerk /v1/users: request failed: TypeError"');
    expect(run.stderr).toMatch(/^sync:clerk: stopped early: /);
  });

  it('webhooks:replay exits 1 when a delivery still fails', async () => {
    const scratch = await createScratchDatabase(inject('databaseUrl'), 'cli_replay');
    try {
      await applyMigrations(scratch.url);
      await withNodeDb(scratch.url, (db) =>
        db.execute(sql`insert into webhook_events (id, svix_id, event_type, outcome, error, payload)
          values ('01900000-0000-7000-8000-000000000001', 'msg_cli_replay', 'user.created', 'failed', 'not JSON',
            convert_to('{not json', 'utf8'))`),
      );
      const run = await runNode(scriptCommand('webhooks:replay'), { DATABASE_URL: scratch.url });
      expect(run.stdout).toContain('msg_cli_replay');
      expect(run.stdout).toContain('still failed');
      expect(run.code).toBe(1);
    } finally {
      await scratch.drop();
    }
  });

  it('token refuses to sign for an issuer that is not the local one, before touching .dev.vars', async () => {
    const run = await runNode([...scriptCommand('token'), '--sub', 'user_1', '--env', 'production']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'token: CLERK_ISSUER is https://clerk.app.example.com, not a local issuer: get tokens for a real Clerk instance from Clerk.',
    );
  });

  it('token mints v2 claims by default and v1 claims with --v1', async () => {
    // In a copy of the scripts: minting writes .dev.vars next to them, never the checkout's.
    const root = mkdtempSync(path.join(tmpdir(), 'token-'));
    try {
      cpSync(path.join(PROJECT_ROOT, 'scripts'), path.join(root, 'scripts'), { recursive: true });
      for (const file of ['wrangler.toml', '.dev.vars.example', 'package.json']) {
        cpSync(path.join(PROJECT_ROOT, file), path.join(root, file));
      }
      symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
      const claims = async (...args: string[]) => {
        const run = await runNode([
          path.join(root, 'scripts', 'token.ts'),
          '--sub',
          'user_1',
          '--org',
          'org_1',
          ...args,
        ]);
        expect(run.stderr).toBe('');
        return JSON.parse(Buffer.from(run.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<
          string,
          unknown
        >;
      };
      expect(await claims()).toMatchObject({ v: 2, sts: 'active', sub: 'user_1', o: { id: 'org_1', rol: 'admin' } });
      const v1 = await claims('--v1', '--role', 'org:member');
      expect(v1).toMatchObject({ sub: 'user_1', org_id: 'org_1', org_role: 'org:member' });
      expect(v1).not.toHaveProperty('v');
      expect(v1).not.toHaveProperty('sts');
      expect(v1.sid).toMatch(/^sess_/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps its exit code after running an embedded PostgreSQL', async () => {
    const script = `
      import { startLocalPostgres } from './scripts/lib/local-postgres.ts';
      const server = await startLocalPostgres({});
      await server.stop();
      process.exitCode = 3;`;
    const run = await runNode(['--input-type=module', '-e', script]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3);
  });
});
