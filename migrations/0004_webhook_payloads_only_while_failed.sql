-- lint: allow ban-drop-not-null -- releases before this one write a payload on every row and read it only on failed rows, which keep theirs
ALTER TABLE "webhook_events" ALTER COLUMN "payload" DROP NOT NULL;
-- rollback:
-- UPDATE "webhook_events" SET "payload" = '\x' WHERE "payload" IS NULL;
-- ALTER TABLE "webhook_events" ALTER COLUMN "payload" SET NOT NULL;
