// The tables the naive baseline reads and writes, declared the way a tutorial's own schema file
// would (only the columns it uses). The migrations in migrations/ create them; this file keeps the
// baseline independent of db/schema.ts, so removing the example resource leaves it compiling.
import { bigint, boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

const id = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: id(),
  clerkUserId: text('clerk_user_id').notNull().unique(),
  email: text('email'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  imageUrl: text('image_url'),
  clerkCreatedAt: timestamptz('clerk_created_at'),
  clerkUpdatedAt: timestamptz('clerk_updated_at'),
  sourceVersion: bigint('source_version', { mode: 'number' }).notNull(),
  sourceEventId: text('source_event_id').notNull(),
  isPlaceholder: boolean('is_placeholder').notNull(),
  syncedAt: timestamptz('synced_at').notNull(),
});

export const webhookEvents = pgTable('webhook_events', {
  id: id(),
  svixId: text('svix_id').notNull().unique(),
  eventType: text('event_type').notNull(),
  outcome: text('outcome').notNull(),
});

export const idempotencyKeys = pgTable('idempotency_keys', {
  id: id(),
  keyHash: text('key_hash').notNull().unique(),
  requestHash: text('request_hash').notNull(),
  response: text('response').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
});

export const projects = pgTable('projects', {
  id: id(),
  userId: uuid('user_id').references(() => users.id),
  name: text('name').notNull(),
  description: text('description'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
