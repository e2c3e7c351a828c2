CREATE TABLE "certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"number" text NOT NULL,
	"holder_hash" text NOT NULL,
	"holder_masked" text NOT NULL,
	"owner" text NOT NULL,
	"department" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"data" jsonb NOT NULL,
	"application_id" text NOT NULL,
	"item_code" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text
);
--> statement-breakpoint
CREATE INDEX "certificates_holder_idx" ON "certificates" USING btree ("holder_hash","type");--> statement-breakpoint
CREATE INDEX "certificates_owner_idx" ON "certificates" USING btree ("owner","issued_at");