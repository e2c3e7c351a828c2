-- Departments' inboxes without polling: every item row that enters or leaves a status tells the
-- API (LISTEN yjs_inbox) which department's inbox moved; GET …/tasks?wait= answers on that.
-- pg_notify sends a payload once per transaction, however many rows of one department changed.
CREATE FUNCTION inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
    PERFORM pg_notify('yjs_inbox', NEW.department);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER application_items_inbox AFTER INSERT OR UPDATE OF status ON application_items
  FOR EACH ROW EXECUTE FUNCTION inbox_notify();
