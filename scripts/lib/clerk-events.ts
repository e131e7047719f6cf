// Realistic Clerk webhook envelopes (shapes after Clerk's event catalog) and Svix signing.
// Used by `npm run webhook`, the tests and the benchmarks; runs in Node and in workerd.
import { Webhook } from 'svix';

export interface UserFields {
  id: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  imageUrl?: string | null;
  createdAt?: number;
  updatedAt: number;
}

export interface OrganizationFields {
  id: string;
  name?: string;
  slug?: string | null;
  createdAt?: number;
  updatedAt: number;
}

export interface MembershipFields {
  id: string;
  role?: string;
  createdAt?: number;
  updatedAt: number;
  organization: OrganizationFields;
  user: Omit<UserFields, 'updatedAt' | 'createdAt'>;
}

export type ClerkEnvelope = {
  type: string;
  object: 'event';
  timestamp: number;
  data: Record<string, unknown>;
} & Record<string, unknown>;

const attributes = { http_request: { client_ip: '127.0.0.1', user_agent: 'clerk-events fixture' } };

function envelope(type: string, timestamp: number, data: Record<string, unknown>): ClerkEnvelope {
  return { type, object: 'event', timestamp, instance_id: 'ins_local', event_attributes: attributes, data };
}

export function clerkUserObject(user: UserFields): Record<string, unknown> {
  const emailId = `idn_${user.id.slice(5)}`;
  return {
    object: 'user',
    id: user.id,
    external_id: null,
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    username: null,
    image_url: user.imageUrl ?? 'https://img.clerk.com/placeholder',
    primary_email_address_id: user.email ? emailId : null,
    email_addresses: user.email
      ? [
          {
            object: 'email_address',
            id: emailId,
            email_address: user.email,
            linked_to: [],
            verification: { status: 'verified', strategy: 'ticket' },
          },
        ]
      : [],
    phone_numbers: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    created_at: user.createdAt ?? user.updatedAt,
    updated_at: user.updatedAt,
    last_sign_in_at: null,
  };
}

export function clerkOrganizationObject(organization: OrganizationFields): Record<string, unknown> {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name ?? 'Acme Inc',
    slug: organization.slug ?? null,
    image_url: 'https://img.clerk.com/placeholder',
    created_by: null,
    public_metadata: {},
    created_at: organization.createdAt ?? organization.updatedAt,
    updated_at: organization.updatedAt,
  };
}

function membershipObject(membership: MembershipFields): Record<string, unknown> {
  const org = clerkOrganizationObject(membership.organization);
  return {
    object: 'organization_membership',
    id: membership.id,
    role: membership.role ?? 'org:member',
    permissions: [],
    public_metadata: {},
    created_at: membership.createdAt ?? membership.updatedAt,
    updated_at: membership.updatedAt,
    organization: {
      object: 'organization',
      id: org.id,
      name: org.name,
      slug: org.slug,
      created_at: org.created_at,
      updated_at: org.updated_at,
      public_metadata: {},
    },
    public_user_data: {
      user_id: membership.user.id,
      identifier: membership.user.email ?? membership.user.id,
      first_name: membership.user.firstName ?? null,
      last_name: membership.user.lastName ?? null,
      image_url: membership.user.imageUrl ?? 'https://img.clerk.com/placeholder',
      has_image: false,
    },
  };
}

export const clerkEvents = {
  user: (type: 'user.created' | 'user.updated', user: UserFields, timestamp = user.updatedAt) =>
    envelope(type, timestamp, clerkUserObject(user)),
  userDeleted: (id: string, timestamp: number) =>
    envelope('user.deleted', timestamp, { object: 'user', id, deleted: true }),
  organization: (
    type: 'organization.created' | 'organization.updated',
    organization: OrganizationFields,
    timestamp = organization.updatedAt,
  ) => envelope(type, timestamp, clerkOrganizationObject(organization)),
  organizationDeleted: (id: string, timestamp: number) =>
    envelope('organization.deleted', timestamp, { object: 'organization', id, deleted: true }),
  membership: (
    type: 'organizationMembership.created' | 'organizationMembership.updated' | 'organizationMembership.deleted',
    membership: MembershipFields,
    timestamp = membership.updatedAt,
  ) => envelope(type, timestamp, membershipObject(membership)),
  /** The bare delete shape some senders use instead of the full membership. */
  membershipDeletedBare: (id: string, timestamp: number) =>
    envelope('organizationMembership.deleted', timestamp, { object: 'organization_membership', id, deleted: true }),
};

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** Signs a body as Svix does: HMAC-SHA256 over `${id}.${timestamp}.${body}`. */
export function signDelivery(
  secret: string,
  body: string,
  options: { svixId?: string; timestamp?: Date } = {},
): SignedDelivery {
  const svixId = options.svixId ?? `msg_${crypto.randomUUID().replaceAll('-', '')}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(secret).sign(svixId, timestamp, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': svixId,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': signature,
    },
  };
}
