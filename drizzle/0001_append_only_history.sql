-- History is data, never overwritten: the database itself refuses to change or remove an event.
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER household_events_append_only BEFORE UPDATE OR DELETE ON household_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER household_events_no_truncate BEFORE TRUNCATE ON household_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
