// The authenticated caller, read from verified session claims. Authorization decisions use only
// this (no database query), so an authenticated request still costs at most one round trip.

export interface Caller {
  /** Clerk user id (`sub`). */
  userId: string;
  /** The active organization of the session, or null for a personal session. */
  organization: {
    id: string;
    /** The role key as Clerk's SDKs name it (`org:admin`), whatever the token version. */
    role: string | null;
    slug: string | null;
    /** Custom permission keys, `org:<feature>:<permission>`. */
    permissions: string[];
  } | null;
}

/** Who owns what the caller creates and lists: the active organization, else the caller. */
export type Owner = { kind: 'organization'; clerkOrgId: string } | { kind: 'user'; clerkUserId: string };

export function ownerOf(caller: Caller): Owner {
  return caller.organization
    ? { kind: 'organization', clerkOrgId: caller.organization.id }
    : { kind: 'user', clerkUserId: caller.userId };
}

// `org:admin` is Clerk's default admin role; instances created before role keys were prefixed
// still issue `admin`.
const ADMIN_ROLES = new Set(['org:admin', 'admin']);

export function isOrganizationAdmin(caller: Caller): boolean {
  return caller.organization !== null && ADMIN_ROLES.has(caller.organization.role ?? '');
}
