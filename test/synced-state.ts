// What the Clerk sync stored for a set of ids, comparable across runs. Shared by the webhook
// tests (in workerd) and the reliability suite (in Node): both pass a Database.
import { sql } from 'drizzle-orm';
import { type Database, executeRows } from '../db/client.ts';

export interface SyncedState {
  users: Record<string, unknown>[];
  organizations: Record<string, unknown>[];
  memberships: Record<string, unknown>[];
}

/**
 * Everything the sync stored for Clerk ids containing `marker` (data, source version, winning
 * event id, placeholder flag, tombstone), with generated uuids replaced by Clerk ids and `marker`
 * by `as`, so two runs over different ids can be compared.
 */
export async function readSyncedState(db: Database, marker: string, as = marker): Promise<SyncedState> {
  const like = `%${marker}%`;
  const norm = (rows: Record<string, unknown>[]) =>
    JSON.parse(JSON.stringify(rows).replaceAll(marker, as)) as Record<string, unknown>[];
  const users = await executeRows(
    db,
    sql`select clerk_user_id, email, first_name, last_name, image_url, clerk_created_at::text, clerk_updated_at::text,
          source_version::text, source_event_id, is_placeholder, deleted_at::text
        from users where clerk_user_id like ${like} order by clerk_user_id`,
  );
  const organizations = await executeRows(
    db,
    sql`select clerk_org_id, name, slug, image_url, clerk_created_at::text, clerk_updated_at::text,
          source_version::text, source_event_id, is_placeholder, deleted_at::text
        from organizations where clerk_org_id like ${like} order by clerk_org_id`,
  );
  const memberships = await executeRows(
    db,
    sql`select m.clerk_membership_id, o.clerk_org_id, u.clerk_user_id, m.role, m.clerk_created_at::text,
          m.clerk_updated_at::text, m.source_version::text, m.source_event_id, m.deleted_at::text
        from organization_memberships m
        left join organizations o on o.id = m.organization_id
        left join users u on u.id = m.user_id
        where m.clerk_membership_id like ${like} order by m.clerk_membership_id`,
  );
  return { users: norm(users), organizations: norm(organizations), memberships: norm(memberships) };
}
