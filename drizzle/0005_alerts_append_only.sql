-- An alert's workflow steps are its history: the database refuses to change or remove one.
CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER alert_events_no_truncate BEFORE TRUNCATE ON alert_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
