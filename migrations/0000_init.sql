CREATE TABLE "organization_memberships" (
	"id" uuid PRIMARY KEY NOT NULL,
	"clerk_membership_id" text NOT NULL,
	"organization_id" uuid,
	"user_id" uuid,
	"role" text,
	"clerk_created_at" timestamp with time zone,
	"clerk_updated_at" timestamp with time zone,
	"source_version" bigint NOT NULL,
	"source_event_id" text NOT NULL,
	"is_placeholder" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "organization_memberships_tombstone_is_empty" CHECK ("organization_memberships"."deleted_at" is null or num_nonnulls("organization_memberships"."role", "organization_memberships"."clerk_created_at", "organization_memberships"."clerk_updated_at") = 0)
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"clerk_org_id" text NOT NULL,
	"name" text,
	"slug" text,
	"image_url" text,
	"clerk_created_at" timestamp with time zone,
	"clerk_updated_at" timestamp with time zone,
	"source_version" bigint NOT NULL,
	"source_event_id" text NOT NULL,
	"is_placeholder" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "organizations_tombstone_is_empty" CHECK ("organizations"."deleted_at" is null or num_nonnulls("organizations"."name", "organizations"."slug", "organizations"."image_url", "organizations"."clerk_created_at", "organizations"."clerk_updated_at") = 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"clerk_user_id" text NOT NULL,
	"email" text,
	"first_name" text,
	"last_name" text,
	"image_url" text,
	"clerk_created_at" timestamp with time zone,
	"clerk_updated_at" timestamp with time zone,
	"source_version" bigint NOT NULL,
	"source_event_id" text NOT NULL,
	"is_placeholder" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "users_tombstone_is_empty" CHECK ("users"."deleted_at" is null or num_nonnulls("users"."email", "users"."first_name", "users"."last_name", "users"."image_url", "users"."clerk_created_at", "users"."clerk_updated_at") = 0)
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"svix_id" text NOT NULL,
	"event_type" text NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"payload" "bytea" NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_events_outcome_check" CHECK ("webhook_events"."outcome" in ('applied', 'stale', 'ignored', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "organization_memberships" ADD CONSTRAINT "organization_memberships_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_memberships" ADD CONSTRAINT "organization_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_memberships_clerk_membership_id_key" ON "organization_memberships" USING btree ("clerk_membership_id");--> statement-breakpoint
CREATE INDEX "organization_memberships_user_id_idx" ON "organization_memberships" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "organization_memberships_organization_id_idx" ON "organization_memberships" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_clerk_org_id_key" ON "organizations" USING btree ("clerk_org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_clerk_user_id_key" ON "users" USING btree ("clerk_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_svix_id_key" ON "webhook_events" USING btree ("svix_id");--> statement-breakpoint
CREATE INDEX "webhook_events_failed_idx" ON "webhook_events" USING btree ("id") WHERE "webhook_events"."outcome" = 'failed';