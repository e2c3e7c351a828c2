-- Statistics (db/stats.ts) without scanning millions of rows per request:
--   1. application_items carry what the statistics' filters and the department figures need of
--      their application (no join), written by syncApplication, backfilled here;
--   2. rollups per day (China time) of the counters, kept current by triggers on every write;
--   3. indexes in which each 90th percentile is read walking down from the top (index-only), and
--      the oldest open items found per item.
-- Replaced stats-only indexes are dropped first (the backfill below rewrites every item row).
DROP INDEX "application_items_rejected_idx";--> statement-breakpoint
DROP INDEX "application_items_decided_idx";--> statement-breakpoint
DROP INDEX "applications_ended_idx";--> statement-breakpoint
DROP INDEX "application_items_open_idx";--> statement-breakpoint
DROP INDEX "application_items_open_items_idx";--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "bundle_code" text;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "application_status" text;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "application_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "application_ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_items" ADD COLUMN "department_first" boolean;--> statement-breakpoint
-- Backfill from the applications; department_first as syncApplication sets it (the smallest item
-- code of the application's items of that department, compared as bytes like JavaScript does).
UPDATE "application_items" i
SET "bundle_code" = a."bundle_code", "region" = a."region", "created_at" = a."created_at",
    "application_status" = a."status", "application_accepted_at" = a."accepted_at", "application_ended_at" = a."ended_at",
    "department_first" = f."first"
FROM "applications" a,
     (SELECT "application_id", "item_code",
             row_number() OVER (PARTITION BY "application_id", "department" ORDER BY "item_code" COLLATE "C") = 1 AS "first"
      FROM "application_items") f
WHERE a."id" = i."application_id" AND f."application_id" = i."application_id" AND f."item_code" = i."item_code";--> statement-breakpoint
-- An item without its application (none should exist) makes these fail: better than a wrong figure.
ALTER TABLE "application_items" ALTER COLUMN "bundle_code" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "application_items" ALTER COLUMN "region" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "application_items" ALTER COLUMN "created_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "application_items" ALTER COLUMN "application_status" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "application_items" ALTER COLUMN "department_first" SET NOT NULL;--> statement-breakpoint
CREATE TABLE "stats_application_days" (
	"department" text NOT NULL,
	"bundle_code" text NOT NULL,
	"region" text NOT NULL,
	"day" date NOT NULL,
	"status" text NOT NULL,
	"applications" integer NOT NULL,
	"timed" integer NOT NULL,
	"seconds" numeric NOT NULL,
	CONSTRAINT "stats_application_days_department_bundle_code_region_day_status_pk" PRIMARY KEY("department","bundle_code","region","day","status")
);
--> statement-breakpoint
CREATE TABLE "stats_item_days" (
	"department" text NOT NULL,
	"item_code" text NOT NULL,
	"bundle_code" text NOT NULL,
	"region" text NOT NULL,
	"day" date NOT NULL,
	"items" integer NOT NULL,
	"started" integer NOT NULL,
	"overdue" integer NOT NULL,
	"approved" integer NOT NULL,
	"rejected" integer NOT NULL,
	"decided_late" integer NOT NULL,
	"timed" integer NOT NULL,
	"seconds" numeric NOT NULL,
	"in_review" integer NOT NULL,
	"correction_requested" integer NOT NULL,
	"awaiting_material" integer NOT NULL,
	CONSTRAINT "stats_item_days_department_item_code_bundle_code_region_day_pk" PRIMARY KEY("department","item_code","bundle_code","region","day")
);
--> statement-breakpoint
CREATE TABLE "stats_rejection_days" (
	"department" text NOT NULL,
	"bundle_code" text NOT NULL,
	"region" text NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"rejected" integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "stats_rejection_days_key" ON "stats_rejection_days" USING btree ("department","bundle_code","region","day",md5("reason"));--> statement-breakpoint
-- ── What one row counts. The triggers, stats_rebuild() and db/stats.ts (for the rows of a period's
-- partial days) all count through these functions, so that the three agree.
-- A day of China time (UTC+8 all year since 1991): the rollups' unit of period.
CREATE FUNCTION stats_day(instant timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ((instant AT TIME ZONE 'UTC') + interval '8 hours')::date $$;--> statement-breakpoint
-- An application (counted by status): the handling time of an ended application that had been accepted.
CREATE FUNCTION stats_application_facts(accepted_at timestamptz, ended_at timestamptz)
RETURNS TABLE (applications int, timed int, seconds numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 1, (ended_at IS NOT NULL AND accepted_at IS NOT NULL)::int, coalesce(extract(epoch FROM ended_at - accepted_at), 0) $$;--> statement-breakpoint
-- An item: volume, decision (late: decided after the legal deadline), handling time of a decided
-- item that has both times, overdue flag, open status.
CREATE FUNCTION stats_item_facts(status text, started_at timestamptz, deadline timestamptz, overdue boolean, decided_at timestamptz)
RETURNS TABLE (items int, started int, overdue int, approved int, rejected int, decided_late int, timed int, seconds numeric,
               in_review int, correction_requested int, awaiting_material int)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 1, (started_at IS NOT NULL)::int, overdue::int, (status = 'approved')::int, (status = 'rejected')::int,
             coalesce(status IN ('approved', 'rejected') AND decided_at > deadline, false)::int,
             (status IN ('approved', 'rejected') AND decided_at IS NOT NULL AND started_at IS NOT NULL)::int,
             CASE WHEN status IN ('approved', 'rejected') THEN coalesce(extract(epoch FROM decided_at - started_at), 0) ELSE 0 END,
             (status = 'in_review')::int, (status = 'correction_requested')::int, (status = 'awaiting_material')::int $$;--> statement-breakpoint
CREATE FUNCTION stats_reason(decision jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(nullif(btrim(decision ->> 'reason'), ''), '（未说明理由）') $$;--> statement-breakpoint
-- ── Keeping the rollups: add (delta 1) or take away (delta -1) one row's counts.
CREATE FUNCTION stats_add_application(department text, bundle_code text, region text, created_at timestamptz,
                                      status text, accepted_at timestamptz, ended_at timestamptz, delta int)
RETURNS void LANGUAGE sql
AS $$
  INSERT INTO stats_application_days AS s
  SELECT department, bundle_code, region, stats_day(created_at), status, delta * f.applications, delta * f.timed, delta * f.seconds
  FROM stats_application_facts(accepted_at, ended_at) f
  ON CONFLICT (department, bundle_code, region, day, status) DO UPDATE SET
    applications = s.applications + excluded.applications, timed = s.timed + excluded.timed, seconds = s.seconds + excluded.seconds
$$;--> statement-breakpoint
CREATE FUNCTION stats_add_item(item application_items, delta int) RETURNS void LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO stats_item_days AS s
  SELECT item.department, item.item_code, item.bundle_code, item.region, stats_day(item.created_at),
         delta * f.items, delta * f.started, delta * f.overdue, delta * f.approved, delta * f.rejected, delta * f.decided_late,
         delta * f.timed, delta * f.seconds, delta * f.in_review, delta * f.correction_requested, delta * f.awaiting_material
  FROM stats_item_facts(item.status, item.started_at, item.deadline, item.overdue, item.decided_at) f
  ON CONFLICT (department, item_code, bundle_code, region, day) DO UPDATE SET
    items = s.items + excluded.items, started = s.started + excluded.started, overdue = s.overdue + excluded.overdue,
    approved = s.approved + excluded.approved, rejected = s.rejected + excluded.rejected,
    decided_late = s.decided_late + excluded.decided_late, timed = s.timed + excluded.timed, seconds = s.seconds + excluded.seconds,
    in_review = s.in_review + excluded.in_review, correction_requested = s.correction_requested + excluded.correction_requested,
    awaiting_material = s.awaiting_material + excluded.awaiting_material;
  IF item.status = 'rejected' THEN
    INSERT INTO stats_rejection_days AS s
    VALUES (item.department, item.bundle_code, item.region, stats_day(item.created_at), stats_reason(item.decision), delta)
    ON CONFLICT (department, bundle_code, region, day, md5(reason)) DO UPDATE SET rejected = s.rejected + excluded.rejected;
  END IF;
END
$$;--> statement-breakpoint
-- An update takes the old row's counts away and adds the new row's. The rollup rows of the old and
-- the new status are taken in status order whichever way the status moves: two transactions moving
-- statuses opposite ways on the same day then wait for each other instead of deadlocking.
CREATE FUNCTION stats_count_application() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
  backwards boolean := TG_OP = 'UPDATE' AND OLD.status > NEW.status;
BEGIN
  IF TG_OP <> 'INSERT' AND NOT backwards THEN
    PERFORM stats_add_application('', OLD.bundle_code, OLD.region, OLD.created_at, OLD.status, OLD.accepted_at, OLD.ended_at, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM stats_add_application('', NEW.bundle_code, NEW.region, NEW.created_at, NEW.status, NEW.accepted_at, NEW.ended_at, 1);
  END IF;
  IF backwards THEN
    PERFORM stats_add_application('', OLD.bundle_code, OLD.region, OLD.created_at, OLD.status, OLD.accepted_at, OLD.ended_at, -1);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE FUNCTION stats_count_item() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
  -- What an update changed: the item's own counts, or the application it counts in its department's
  -- figures (a change of the application's status touches only its department_first items' rollups).
  counts_changed boolean := TG_OP <> 'UPDATE' OR
    (OLD.item_code, OLD.department, OLD.status, OLD.started_at, OLD.deadline, OLD.overdue, OLD.decided_at, OLD.decision ->> 'reason',
     OLD.bundle_code, OLD.region, OLD.created_at)
    IS DISTINCT FROM (NEW.item_code, NEW.department, NEW.status, NEW.started_at, NEW.deadline, NEW.overdue, NEW.decided_at,
     NEW.decision ->> 'reason', NEW.bundle_code, NEW.region, NEW.created_at);
  application_changed boolean := TG_OP <> 'UPDATE' OR
    (OLD.department_first, OLD.department, OLD.bundle_code, OLD.region, OLD.created_at, OLD.application_status,
     OLD.application_accepted_at, OLD.application_ended_at)
    IS DISTINCT FROM (NEW.department_first, NEW.department, NEW.bundle_code, NEW.region, NEW.created_at, NEW.application_status,
     NEW.application_accepted_at, NEW.application_ended_at);
  -- As in stats_count_application (OLD is null on INSERT, NEW on DELETE).
  backwards boolean := coalesce(OLD.department_first AND NEW.department_first AND OLD.application_status > NEW.application_status, false);
BEGIN
  IF counts_changed THEN
    IF TG_OP <> 'INSERT' THEN PERFORM stats_add_item(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM stats_add_item(NEW, 1); END IF;
  END IF;
  -- The application, once per department it has items of: on its department_first item.
  IF application_changed THEN
    IF OLD.department_first AND NOT backwards THEN
      PERFORM stats_add_application(OLD.department, OLD.bundle_code, OLD.region, OLD.created_at,
                                    OLD.application_status, OLD.application_accepted_at, OLD.application_ended_at, -1);
    END IF;
    IF NEW.department_first THEN
      PERFORM stats_add_application(NEW.department, NEW.bundle_code, NEW.region, NEW.created_at,
                                    NEW.application_status, NEW.application_accepted_at, NEW.application_ended_at, 1);
    END IF;
    IF backwards THEN
      PERFORM stats_add_application(OLD.department, OLD.bundle_code, OLD.region, OLD.created_at,
                                    OLD.application_status, OLD.application_accepted_at, OLD.application_ended_at, -1);
    END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Every rollup from the rows, set-wise: here once, after a TRUNCATE, and after a bulk load made with
-- the triggers disabled (scripts/bench-stats.ts).
CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE sql
AS $$
  DELETE FROM stats_application_days;
  DELETE FROM stats_item_days;
  DELETE FROM stats_rejection_days;
  INSERT INTO stats_application_days
  SELECT '', a.bundle_code, a.region, stats_day(a.created_at), a.status, sum(f.applications), sum(f.timed), sum(f.seconds)
  FROM applications a CROSS JOIN LATERAL stats_application_facts(a.accepted_at, a.ended_at) f
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO stats_application_days
  SELECT i.department, i.bundle_code, i.region, stats_day(i.created_at), i.application_status, sum(f.applications), sum(f.timed), sum(f.seconds)
  FROM application_items i CROSS JOIN LATERAL stats_application_facts(i.application_accepted_at, i.application_ended_at) f
  WHERE i.department_first
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO stats_item_days
  SELECT i.department, i.item_code, i.bundle_code, i.region, stats_day(i.created_at), sum(f.items), sum(f.started), sum(f.overdue),
         sum(f.approved), sum(f.rejected), sum(f.decided_late), sum(f.timed), sum(f.seconds), sum(f.in_review),
         sum(f.correction_requested), sum(f.awaiting_material)
  FROM application_items i CROSS JOIN LATERAL stats_item_facts(i.status, i.started_at, i.deadline, i.overdue, i.decided_at) f
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO stats_rejection_days
  SELECT i.department, i.bundle_code, i.region, stats_day(i.created_at), stats_reason(i.decision), count(*)
  FROM application_items i WHERE i.status = 'rejected'
  GROUP BY 1, 2, 3, 4, 5;
$$;--> statement-breakpoint
CREATE FUNCTION stats_rebuild_after_truncate() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM stats_rebuild(); RETURN NULL; END $$;--> statement-breakpoint
SELECT stats_rebuild();--> statement-breakpoint
-- Row triggers; updates only when a counted column changed (syncApplication rewrites every item of
-- the application with each change of any of them).
CREATE TRIGGER stats_count_application AFTER INSERT OR DELETE ON applications
FOR EACH ROW EXECUTE FUNCTION stats_count_application();--> statement-breakpoint
CREATE TRIGGER stats_count_application_update AFTER UPDATE ON applications
FOR EACH ROW WHEN ((OLD.bundle_code, OLD.region, OLD.created_at, OLD.status, OLD.accepted_at, OLD.ended_at)
                   IS DISTINCT FROM (NEW.bundle_code, NEW.region, NEW.created_at, NEW.status, NEW.accepted_at, NEW.ended_at))
EXECUTE FUNCTION stats_count_application();--> statement-breakpoint
CREATE TRIGGER stats_count_item AFTER INSERT OR DELETE ON application_items
FOR EACH ROW EXECUTE FUNCTION stats_count_item();--> statement-breakpoint
CREATE TRIGGER stats_count_item_update AFTER UPDATE ON application_items
FOR EACH ROW WHEN ((OLD.item_code, OLD.department, OLD.status, OLD.started_at, OLD.deadline, OLD.overdue, OLD.decided_at,
                    OLD.decision ->> 'reason', OLD.bundle_code, OLD.region, OLD.created_at, OLD.application_status,
                    OLD.application_accepted_at, OLD.application_ended_at, OLD.department_first)
                   IS DISTINCT FROM (NEW.item_code, NEW.department, NEW.status, NEW.started_at, NEW.deadline, NEW.overdue,
                    NEW.decided_at, NEW.decision ->> 'reason', NEW.bundle_code, NEW.region, NEW.created_at, NEW.application_status,
                    NEW.application_accepted_at, NEW.application_ended_at, NEW.department_first))
EXECUTE FUNCTION stats_count_item();--> statement-breakpoint
CREATE TRIGGER stats_rebuild_after_truncate AFTER TRUNCATE ON applications
FOR EACH STATEMENT EXECUTE FUNCTION stats_rebuild_after_truncate();--> statement-breakpoint
CREATE TRIGGER stats_rebuild_after_truncate AFTER TRUNCATE ON application_items
FOR EACH STATEMENT EXECUTE FUNCTION stats_rebuild_after_truncate();--> statement-breakpoint
CREATE INDEX "application_items_handling_idx" ON "application_items" USING btree ("item_code","department",(date_part('epoch', "decided_at" - "started_at") / 3600),"started_at","decided_at","bundle_code","region","created_at") WHERE "application_items"."status" in ('approved', 'rejected');--> statement-breakpoint
CREATE INDEX "application_items_department_handling_idx" ON "application_items" USING btree ("department",(date_part('epoch', "application_ended_at" - "application_accepted_at") / 3600),"application_accepted_at","application_ended_at","bundle_code","region","created_at") WHERE "application_items"."department_first" and "application_items"."application_ended_at" is not null;--> statement-breakpoint
CREATE INDEX "application_items_created_idx" ON "application_items" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "applications_handling_idx" ON "applications" USING btree ("bundle_code",(date_part('epoch', "ended_at" - "accepted_at") / 3600),"accepted_at","ended_at","region","created_at") WHERE "applications"."ended_at" is not null;--> statement-breakpoint
CREATE INDEX "applications_handling_all_idx" ON "applications" USING btree ((date_part('epoch', "ended_at" - "accepted_at") / 3600),"accepted_at","ended_at","bundle_code","region","created_at") WHERE "applications"."ended_at" is not null;--> statement-breakpoint
CREATE INDEX "application_items_open_idx" ON "application_items" USING btree ("started_at","application_id","item_code","department","bundle_code","region","created_at") WHERE "application_items"."status" in ('in_review', 'correction_requested', 'awaiting_material');--> statement-breakpoint
CREATE INDEX "application_items_open_items_idx" ON "application_items" USING btree ("item_code","department","started_at","bundle_code","region","created_at") WHERE "application_items"."status" in ('in_review', 'correction_requested', 'awaiting_material');
