// `npm run probe -- --url https://... --token ...`: write-then-read pairs against a deployed API
// (scripts/lib/probe.ts), to verify in production that every read sees the write before it, i.e.
// that the Hyperdrive config behind the Worker does not cache queries (README, "Hyperdrive and
// read-your-writes"). Exits 1 on a stale read or a failed request.
import { fail, parseCommandLine, positiveInteger, usageError } from './lib/cli.ts';
import { ProbeError, probeReadYourWrites } from './lib/probe.ts';

const NAME = 'probe';

const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run probe -- --url https://api.example.com [--token <session token>] [options]

Write-then-read pairs against a running API: list, create, read, list, update, read, delete, read,
list on a collection, each read checked against the write before it. Exits 1 on a stale read (e.g.
Hyperdrive's query cache left on) or a failed request. The probe's row is deleted at the end, also
after a failure.

  --url URL        the API's base URL (required)
  --token TOKEN    a Clerk session token of that environment, for a user without an organization
                   or an org:admin; or PROBE_TOKEN in the environment (not shown by \`ps\`). Session
                   tokens live 60 s: in the signed-in app, \`await Clerk.session.getToken()\`
  --path PATH      the collection to probe (default /v1/<folder> of the first resource in
                   src/resources.ts)
  --create JSON    the create body (default {"name":"probe <time>"})
  --update JSON    the update body (default {"name":"probe <time> updated"})
  --rounds N       how many rounds (default 2)
`,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    path: { type: 'string' },
    create: { type: 'string' },
    update: { type: 'string' },
    rounds: { type: 'string', default: '2' },
  },
});

if (!values.url) usageError(NAME, '--url is required');
try {
  new URL(values.url);
} catch {
  usageError(NAME, `--url must be a URL, not "${values.url}"`);
}
const token = values.token ?? process.env.PROBE_TOKEN;
if (!token) usageError(NAME, 'pass a session token with --token or PROBE_TOKEN');
// Imported only when needed: loading the routes takes seconds.
const first = (await import('../src/resources.ts')).registeredResources[0]?.folder;
if (!values.path && !first) usageError(NAME, 'src/resources.ts lists no resource: name a collection with --path');
const path = values.path ?? `/v1/${first}`;
if (!path.startsWith('/')) usageError(NAME, `--path must start with /, not "${path}"`);
const json = (option: string, value: string | undefined, fallback: unknown): unknown => {
  if (value === undefined) return fallback;
  try {
    return JSON.parse(value);
  } catch {
    return usageError(NAME, `--${option} must be JSON, not ${value}`);
  }
};
const label = `probe ${new Date().toISOString()}`;

try {
  const report = await probeReadYourWrites({
    url: values.url,
    token,
    path,
    createBody: json('create', values.create, { name: label }),
    updateBody: json('update', values.update, { name: `${label} updated` }),
    rounds: positiveInteger(NAME, 'rounds', values.rounds),
    onStep: (step) =>
      console.log(
        `${step.stale ? '✗' : '✓'} round ${step.round} ${step.name.padEnd(18)} ${step.request} → ${step.status} (${step.ms} ms)` +
          (step.stale ? `: STALE, ${step.stale}` : ''),
      ),
  });
  if (report.staleReads.length) {
    fail(NAME, `${report.staleReads.length} of ${report.steps.length} steps read stale data: a cache answers reads`);
  }
  console.log(`${report.steps.length} steps, every read showed the write before it`);
} catch (error) {
  if (error instanceof ProbeError) fail(NAME, error.message);
  throw error;
}
