CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid,
	"user_id" uuid,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key_hash" text,
	"idempotency_request_hash" text,
	"idempotency_response" text,
	"idempotency_expires_at" timestamp with time zone,
	CONSTRAINT "projects_one_owner" CHECK (num_nonnulls("projects"."organization_id", "projects"."user_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "projects_organization_id_id_idx" ON "projects" USING btree ("organization_id","id" DESC NULLS LAST) WHERE "projects"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "projects_user_id_id_idx" ON "projects" USING btree ("user_id","id" DESC NULLS LAST) WHERE "projects"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "projects_idempotency_key_hash_key" ON "projects" USING btree ("idempotency_key_hash") WHERE "projects"."idempotency_key_hash" is not null;