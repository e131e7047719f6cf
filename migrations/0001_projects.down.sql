-- Rollback of 0001_projects (`npm run db:rollback -- 0001_projects`). Deletes every project.
DROP TABLE "projects";
