-- migration: no-transaction
-- A failed concurrent build leaves an INVALID index behind: dropping it first makes a retry rebuild it.
DROP INDEX CONCURRENTLY IF EXISTS "webhook_events_erasable_idx";--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "webhook_events_erasable_idx" ON "webhook_events" USING btree ("id") WHERE "webhook_events"."payload" is not null and "webhook_events"."outcome" <> 'failed';
-- rollback:
-- DROP INDEX CONCURRENTLY IF EXISTS "webhook_events_erasable_idx";
