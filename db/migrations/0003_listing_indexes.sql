CREATE INDEX "application_items_overdue_idx" ON "application_items" USING btree ("application_id") WHERE "application_items"."overdue";--> statement-breakpoint
CREATE INDEX "application_items_open_idx" ON "application_items" USING btree ("started_at") WHERE "application_items"."status" in ('in_review', 'correction_requested', 'awaiting_material');--> statement-breakpoint
CREATE INDEX "application_items_rejected_idx" ON "application_items" USING btree ("application_id") WHERE "application_items"."status" = 'rejected';--> statement-breakpoint
CREATE INDEX "applications_created_idx" ON "applications" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "applications_submitted_by_idx" ON "applications" USING btree ("submitted_by","created_at");--> statement-breakpoint
CREATE INDEX "applications_region_idx" ON "applications" USING btree ("region" text_pattern_ops,"created_at");