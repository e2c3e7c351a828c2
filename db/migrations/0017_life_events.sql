CREATE TABLE "life_events" (
	"posted_by" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"subject_hash" text NOT NULL,
	"sealed" text NOT NULL,
	"applications" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "life_events_posted_by_id_pk" PRIMARY KEY("posted_by","id")
);
