CREATE TABLE "case_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"item" text,
	"actor" jsonb,
	"label" text NOT NULL,
	"detail" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_files" (
	"application_id" text PRIMARY KEY NOT NULL,
	"bundle_code" text NOT NULL,
	"bundle_version" integer NOT NULL,
	"submission" jsonb NOT NULL,
	"sealed" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"state" jsonb,
	"revision" integer DEFAULT -1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "case_events_key_idx" ON "case_events" USING btree ("application_id","key");--> statement-breakpoint
CREATE INDEX "case_events_app_idx" ON "case_events" USING btree ("application_id","at");--> statement-breakpoint
-- The event log is append-only: what was recorded of a case is never changed or removed.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only (% refused)', TG_OP;
END $$;--> statement-breakpoint
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
