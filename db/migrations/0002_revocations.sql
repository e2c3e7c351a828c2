ALTER TABLE "results" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "revoke_reason" text;