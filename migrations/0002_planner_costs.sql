-- Planner costs for SSD-backed storage (Neon's, and any laptop's). With the default
-- random_page_cost = 4, the planner prefers a bitmap scan plus a sort over reading a resource's
-- (organization_id, id desc) index in order whenever it cannot see how many rows an owner has
-- (the owner's uuid comes from a subquery on the Clerk id), so a large organization's list
-- sorted every matching row per page. PostgreSQL's documentation suggests 1.1 for such
-- storage. Applies to new connections; no lock taken. Found by `npm run db:explain`.
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database()); END $$;
