CREATE SEQUENCE "public"."projects_public_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "project_assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"object_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_assets_size_check" CHECK ("project_assets"."size_bytes" > 0),
	CONSTRAINT "project_assets_sha256_check" CHECK ("project_assets"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "public_slug" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "public_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "project_assets" ADD CONSTRAINT "project_assets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_assets_project_id_name_key" ON "project_assets" USING btree ("project_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "project_assets_object_key_key" ON "project_assets" USING btree ("object_key");
-- rollback:
-- DROP TABLE "project_assets";
-- ALTER TABLE "projects" DROP COLUMN "public_version";
-- ALTER TABLE "projects" DROP COLUMN "published_at";
-- ALTER TABLE "projects" DROP COLUMN "public_slug";
-- DROP SEQUENCE "public"."projects_public_version_seq";
