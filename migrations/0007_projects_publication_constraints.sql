-- migration: no-transaction
-- The unique slug index and the publication check of 0006_projects_publication, on the existing
-- projects table: the index built concurrently (a failed build leaves an INVALID index, dropped
-- first on a retry), the check added NOT VALID and validated in its own transaction.
DROP INDEX CONCURRENTLY IF EXISTS "projects_public_slug_key";--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "projects_public_slug_key" ON "projects" USING btree ("public_slug") WHERE "projects"."public_slug" is not null;--> statement-breakpoint
ALTER TABLE "projects" DROP CONSTRAINT IF EXISTS "projects_publication_check";--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_publication_check" CHECK (("projects"."public_slug" is null) = ("projects"."published_at" is null)) NOT VALID;--> statement-breakpoint
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_publication_check";
-- rollback:
-- ALTER TABLE "projects" DROP CONSTRAINT IF EXISTS "projects_publication_check";
-- DROP INDEX CONCURRENTLY IF EXISTS "projects_public_slug_key";
