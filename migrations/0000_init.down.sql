-- Rollback of 0000_init (`npm run db:rollback -- 0000_init`). Deletes every synced row and the
-- webhook ledger; roll back every later migration first.
DROP TABLE "organization_memberships";
DROP TABLE "organizations";
DROP TABLE "users";
DROP TABLE "webhook_events";
