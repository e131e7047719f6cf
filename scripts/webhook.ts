// `npm run webhook -- <type> [options]`: Clerk cannot reach a laptop, so this builds a realistic
// Clerk event, signs it with the local CLERK_WEBHOOK_SIGNING_SECRET (.dev.vars) and posts it to
// the running `npm run dev`. Prints the status and the answer; exits 1 unless it was a 2xx.

import { updateClerkDevStore } from './lib/clerk-dev-store.ts';
import { type ClerkEnvelope, clerkEvents, signDelivery } from './lib/clerk-events.ts';
import { fail, parseCommandLine, usageError } from './lib/cli.ts';
import { DEFAULT_DEV_URL, runningDevServer } from './lib/dev-server.ts';
import { readDevVars } from './lib/dev-vars.ts';

const TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'organizationMembership.created',
  'organizationMembership.updated',
  'organizationMembership.deleted',
];

const USAGE = `
usage: npm run webhook -- <type> [options]

Signs a realistic Clerk event with the local CLERK_WEBHOOK_SIGNING_SECRET and posts it to the
running \`npm run dev\` (found wherever it listens; else ${DEFAULT_DEV_URL}).

  npm run webhook -- user.created --id user_123 --email a@example.com
  npm run webhook -- user.updated --id user_123 --first-name Ada
  npm run webhook -- user.deleted --id user_123
  npm run webhook -- organization.created --id org_1 --name "Acme"
  npm run webhook -- organizationMembership.created --id orgmem_1 --org org_1 --user user_123 --role org:admin

types: ${TYPES.join(', ')}
options: --id --email --first-name --last-name --name --slug --org --user --role
         --updated-at <ms>  --timestamp <ms>  --svix-id msg_...  --url http://host:port
`;

const NAME = 'webhook';
const { values, positionals } = parseCommandLine({
  name: NAME,
  usage: USAGE,
  allowPositionals: true,
  options: {
    id: { type: 'string' },
    email: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
    name: { type: 'string' },
    slug: { type: 'string' },
    org: { type: 'string' },
    user: { type: 'string' },
    role: { type: 'string' },
    'updated-at': { type: 'string' },
    timestamp: { type: 'string' },
    'svix-id': { type: 'string' },
    url: { type: 'string' },
  },
});

const type = positionals[0];
if (!type || !TYPES.includes(type)) usageError(NAME, type ? `unknown event type "${type}"` : 'name an event type');
const url = values.url ?? runningDevServer()?.url ?? DEFAULT_DEV_URL;
const now = Date.now();
const updatedAt = values['updated-at'] ? Number(values['updated-at']) : now;
const timestamp = values.timestamp ? Number(values.timestamp) : now;
const suffix = now.toString(36);

function build(): ClerkEnvelope {
  switch (type) {
    case 'user.created':
    case 'user.updated':
      return clerkEvents.user(
        type,
        {
          id: values.id ?? `user_local_${suffix}`,
          email: values.email ?? `${values.id ?? 'someone'}@example.com`,
          firstName: values['first-name'] ?? 'Local',
          lastName: values['last-name'] ?? 'Developer',
          updatedAt,
        },
        timestamp,
      );
    case 'user.deleted':
      return clerkEvents.userDeleted(values.id ?? `user_local_${suffix}`, timestamp);
    case 'organization.created':
    case 'organization.updated':
      return clerkEvents.organization(
        type,
        {
          id: values.id ?? `org_local_${suffix}`,
          name: values.name ?? 'Local Org',
          slug: values.slug ?? null,
          updatedAt,
        },
        timestamp,
      );
    case 'organization.deleted':
      return clerkEvents.organizationDeleted(values.id ?? `org_local_${suffix}`, timestamp);
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
    case 'organizationMembership.deleted':
      return clerkEvents.membership(
        type,
        {
          id: values.id ?? `orgmem_local_${suffix}`,
          role: values.role ?? 'org:member',
          updatedAt,
          organization: { id: values.org ?? `org_local_${suffix}`, name: values.name ?? 'Local Org', updatedAt },
          user: {
            id: values.user ?? `user_local_${suffix}`,
            email: values.email ?? null,
            firstName: values['first-name'] ?? null,
          },
        },
        timestamp,
      );
    default:
      return usageError(NAME, `unknown event type "${type}"`);
  }
}

const event = build();
const secret = process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? readDevVars().CLERK_WEBHOOK_SIGNING_SECRET;
if (!secret) fail(NAME, 'no CLERK_WEBHOOK_SIGNING_SECRET in .dev.vars: run `npm run dev` once to generate one.');
// During a rotation the variable holds several secrets; sign with the newest (last).
const signed = signDelivery(
  secret.split(/\s+/).filter(Boolean).at(-1)!,
  JSON.stringify(event),
  values['svix-id'] ? { svixId: values['svix-id'] } : {},
);
const target = new URL('/webhooks/clerk', url);
const response = await fetch(target, { method: 'POST', headers: signed.headers, body: signed.body }).catch(
  (error: Error & { cause?: { code?: string } }) =>
    fail(
      NAME,
      `no dev server answered at ${target.origin} (${error.cause?.code ?? error.message}). ` +
        'Start one with `npm run dev`, or point at another with --url http://host:port.',
    ),
);
console.log(`${type} ${signed.headers['svix-id']} → ${response.status} ${await response.text()}`);
if (!response.ok) process.exitCode = 1;

// The local Clerk stand-in of `npm run dev` answers as Clerk would after this event.
updateClerkDevStore((store) => {
  const data = event.data as { id: string; object?: string };
  const kind = type.startsWith('user.') ? store.users : type.startsWith('organization.') ? store.organizations : null;
  if (!kind) return;
  if (type.endsWith('.deleted')) delete kind[data.id];
  else kind[data.id] = data as (typeof kind)[string];
});
