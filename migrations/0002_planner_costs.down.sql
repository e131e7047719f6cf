-- Rollback of 0002_planner_costs (`npm run db:rollback -- 0002_planner_costs`).
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database()); END $$;
