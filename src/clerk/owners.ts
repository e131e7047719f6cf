// The owners of resources are Clerk's users and organizations, as the sync stores them. A
// resource statement finds its owner's row by the Clerk id from the session token, inside the
// statement; when the webhook has not synced that owner yet, the statement inserts a placeholder
// row that any real sync of the owner replaces (the winner rule, src/clerk/sync.ts).
import { type SQL, sql } from 'drizzle-orm';
import { organizations, users } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';

/** The winner key of a placeholder made for an owner: below every real version, so any sync wins. */
export const OWNER_PLACEHOLDER_KEY = { version: 0, eventId: 'placeholder' } as const;

function ownerTable(owner: Owner) {
  return owner.kind === 'organization'
    ? { table: organizations, clerkIdColumn: organizations.clerkOrgId, clerkId: owner.clerkOrgId }
    : { table: users, clerkIdColumn: users.clerkUserId, clerkId: owner.clerkUserId };
}

/** `(select id ...)`: the owner's uuid from its Clerk id (its unique index). */
export function ownerIdOf(owner: Owner): SQL {
  const { table, clerkIdColumn, clerkId } = ownerTable(owner);
  return sql`(select ${table.id} from ${table} where ${clerkIdColumn} = ${clerkId})`;
}

/**
 * CTEs ending in `owner(id)`: the owner's row, or a placeholder inserted for it. The no-op
 * ON CONFLICT update returns the row a concurrent statement inserted after this one started.
 */
export function ownerCte(owner: Owner, placeholderId: string): SQL {
  const { table, clerkIdColumn, clerkId } = ownerTable(owner);
  const column = sql.identifier(clerkIdColumn.name);
  return sql`owner_placeholder as (
      insert into ${table} (id, ${column}, is_placeholder, source_version, source_event_id)
      select ${placeholderId}, ${clerkId}, true, ${OWNER_PLACEHOLDER_KEY.version}, ${OWNER_PLACEHOLDER_KEY.eventId}
      where not exists (select from ${table} where ${column} = ${clerkId})
      on conflict (${column}) do update set ${column} = excluded.${column}
      returning id
    ),
    owner as (
      select id from ${table} where ${column} = ${clerkId}
      union all select id from owner_placeholder
    )`;
}
