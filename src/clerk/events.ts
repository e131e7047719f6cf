// The Clerk events this template handles, validated with zod. Only the fields the sync stores
// are required; everything else Clerk sends is allowed and ignored (Clerk adds fields).
import { z } from 'zod';
import { storableText } from '../lib/validation.ts';
import { clerkId } from './ids.ts';

const ms = z.number().int().nonnegative();
// Everything stored in a text column: a NUL would make Postgres reject the row (a 500); as a
// schema failure it is a 422 and the raw event stays in the ledger.
const text = (max = 2048) => storableText(max);
const optionalText = text().nullish();

/** A Clerk user as sent in user.* events and returned by the Backend API. */
export const clerkUser = z.looseObject({
  id: clerkId('user_'),
  first_name: optionalText,
  last_name: optionalText,
  image_url: optionalText,
  primary_email_address_id: text(128).nullish(),
  email_addresses: z
    .array(z.looseObject({ id: text(128), email_address: text(320) }))
    .max(100)
    .default([]),
  created_at: ms,
  updated_at: ms,
});
export type ClerkUser = z.infer<typeof clerkUser>;

/** A Clerk organization as sent in organization.* events and returned by the Backend API. */
export const clerkOrganization = z.looseObject({
  id: clerkId('org_'),
  name: text(),
  slug: optionalText,
  image_url: optionalText,
  created_at: ms,
  updated_at: ms,
});
export type ClerkOrganization = z.infer<typeof clerkOrganization>;

/** The organization embedded in membership events (no image_url guaranteed). */
const embeddedOrganization = clerkOrganization.extend({ name: text().nullish() });

/** The user embedded in membership events: no updated_at, so it can only make a placeholder. */
const publicUserData = z.looseObject({
  user_id: clerkId('user_'),
  identifier: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  image_url: optionalText,
});

export const clerkMembership = z.looseObject({
  id: clerkId('orgmem_'),
  role: text(128).min(1),
  created_at: ms,
  updated_at: ms,
  organization: embeddedOrganization,
  public_user_data: publicUserData,
});
export type ClerkMembership = z.infer<typeof clerkMembership>;

const deletedObject = (prefix: 'user_' | 'org_' | 'orgmem_') =>
  z.looseObject({ id: clerkId(prefix), deleted: z.literal(true) });

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.looseObject({ type: z.literal(type), timestamp: ms, data });

export const clerkEvent = z.discriminatedUnion('type', [
  envelope('user.created', clerkUser),
  envelope('user.updated', clerkUser),
  envelope('user.deleted', deletedObject('user_')),
  envelope('organization.created', clerkOrganization),
  envelope('organization.updated', clerkOrganization),
  envelope('organization.deleted', deletedObject('org_')),
  envelope('organizationMembership.created', clerkMembership),
  envelope('organizationMembership.updated', clerkMembership),
  // Clerk sends the full membership on delete; accept the bare `{id, deleted}` shape too.
  envelope('organizationMembership.deleted', z.union([clerkMembership, deletedObject('orgmem_')])),
]);
export type ClerkEvent = z.infer<typeof clerkEvent>;

export const HANDLED_EVENT_TYPES: ReadonlySet<string> = new Set(
  clerkEvent.options.map((option) => option.shape.type.value),
);

/** The primary email address of a user, if Clerk sent one. */
export function primaryEmail(user: ClerkUser): string | null {
  const primary = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  return primary?.email_address ?? null;
}
