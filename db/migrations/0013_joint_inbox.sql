ALTER TABLE "applications" ADD COLUMN "joint" jsonb;--> statement-breakpoint
CREATE INDEX "applications_joint_idx" ON "applications" USING gin ("joint" jsonb_path_ops);--> statement-breakpoint
-- Joint procedures in the inboxes (issue #14 row 5): a change of an application's procedures tells
-- the API which departments' inboxes moved — the leads and the departments awaited, before and after.
CREATE FUNCTION joint_inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dept text;
  procs jsonb;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.joint IS NOT DISTINCT FROM NEW.joint THEN
    RETURN NULL;
  END IF;
  procs := coalesce(NEW.joint, '[]'::jsonb) || CASE WHEN TG_OP = 'UPDATE' THEN coalesce(OLD.joint, '[]'::jsonb) ELSE '[]'::jsonb END;
  FOR dept IN
    SELECT p->>'lead' FROM jsonb_array_elements(procs) p WHERE p ? 'lead'
    UNION
    SELECT jsonb_array_elements_text(p->'awaiting') FROM jsonb_array_elements(procs) p
  LOOP
    PERFORM pg_notify('yjs_inbox', dept);
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER applications_joint_inbox AFTER INSERT OR UPDATE OF joint ON applications
  FOR EACH ROW EXECUTE FUNCTION joint_inbox_notify();
