CREATE TABLE "application_items" (
	"application_id" text NOT NULL,
	"item_code" text NOT NULL,
	"item_name" text NOT NULL,
	"department" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decision" jsonb,
	CONSTRAINT "application_items_application_id_item_code_pk" PRIMARY KEY("application_id","item_code")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"bundle_code" text NOT NULL,
	"bundle_version" integer NOT NULL,
	"region" text NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"owner" text NOT NULL,
	"submitted_by" text NOT NULL,
	"applicant_name" text NOT NULL,
	"applicant_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"outcome" text,
	"revision" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bundle_versions" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"region" text NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "bundle_versions_code_version_pk" PRIMARY KEY("code","version")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"owner" text NOT NULL,
	"key" text NOT NULL,
	"body_hash" text NOT NULL,
	"application_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_owner_key_pk" PRIMARY KEY("owner","key")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results" (
	"application_id" text NOT NULL,
	"item_code" text NOT NULL,
	"result_type" text NOT NULL,
	"result_name" text NOT NULL,
	"data" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "results_application_id_item_code_pk" PRIMARY KEY("application_id","item_code")
);
--> statement-breakpoint
CREATE INDEX "application_items_dept_idx" ON "application_items" USING btree ("department","status");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_number_idx" ON "applications" USING btree ("number");--> statement-breakpoint
CREATE INDEX "applications_status_idx" ON "applications" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "applications_bundle_idx" ON "applications" USING btree ("bundle_code","created_at");--> statement-breakpoint
CREATE INDEX "applications_owner_idx" ON "applications" USING btree ("owner","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_app_key_idx" ON "notices" USING btree ("application_id","key");