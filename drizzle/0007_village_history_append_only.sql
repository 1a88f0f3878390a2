-- A village's history, like a household's, is never rewritten: the database refuses it.
CREATE TRIGGER village_events_append_only BEFORE UPDATE OR DELETE ON village_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER village_events_no_truncate BEFORE TRUNCATE ON village_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
