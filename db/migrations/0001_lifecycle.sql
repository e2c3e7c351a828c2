CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"holidays" jsonb NOT NULL,
	"workdays" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_flags" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"flagged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "deadline" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "overdue" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "recipient" text DEFAULT 'applicant' NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notices_unsent_idx" ON "notices" USING btree ("sent_at");