CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"application_id" text,
	"department" text NOT NULL,
	"type" text,
	"status" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"overdue" boolean DEFAULT false NOT NULL,
	"replied" boolean DEFAULT false NOT NULL,
	"rectified" boolean DEFAULT false NOT NULL,
	"visited" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" text PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"channel" text NOT NULL,
	"visit_id" text DEFAULT '' NOT NULL,
	"rating" integer NOT NULL,
	"indicators" jsonb,
	"comment" text,
	"evaluator" text NOT NULL,
	"bundle_code" text NOT NULL,
	"department" text NOT NULL,
	"item" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cases_department_idx" ON "cases" USING btree ("department","status");--> statement-breakpoint
CREATE INDEX "cases_kind_idx" ON "cases" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluations_once_idx" ON "evaluations" USING btree ("application_id","channel","visit_id");--> statement-breakpoint
CREATE INDEX "evaluations_bundle_idx" ON "evaluations" USING btree ("bundle_code","created_at");