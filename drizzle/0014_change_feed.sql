CREATE TABLE "change_log" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "change_log_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"xid" bigint NOT NULL,
	"table_name" text NOT NULL,
	"row_id" integer NOT NULL,
	"operation" char(1) NOT NULL,
	"changed_columns" text[],
	"old_region" text,
	"new_region" text,
	"old_rule" jsonb,
	"new_rule" jsonb,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_log_operation" CHECK (operation IN ('I', 'U', 'D'))
);
--> statement-breakpoint
CREATE TABLE "change_log_pruned" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"xid" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "change_log_pruned_one_row" CHECK (id = 1)
);
--> statement-breakpoint
CREATE INDEX "change_log_xid_seq_idx" ON "change_log" USING btree ("xid","seq");--> statement-breakpoint
CREATE INDEX "change_log_recorded_at_idx" ON "change_log" USING btree ("recorded_at");--> statement-breakpoint
-- The change feed's capture (hand-written): after each statement on a table the feed serves, one
-- change_log entry per row, in the writing transaction, stamped with its top-level transaction id.
-- Arguments: the row's region column ('' when unscoped) and the comma-separated columns the
-- policy's `rows:` rules test ('' when none). Updates record the columns whose value changed
-- (version and updated_at are bookkeeping, not changes); an update that changes nothing else
-- records nothing.
CREATE FUNCTION record_row_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  region text := nullif(TG_ARGV[0], '');
  rules text[] := CASE WHEN TG_NARGS > 1 AND TG_ARGV[1] <> '' THEN string_to_array(TG_ARGV[1], ',') END;
  xid bigint := pg_current_xact_id()::text::bigint;
  region_n text := CASE WHEN region IS NULL THEN 'NULL::text' ELSE format('n.%I::text', region) END;
  region_o text := CASE WHEN region IS NULL THEN 'NULL::text' ELSE format('o.%I::text', region) END;
  rule_n text := 'NULL::jsonb';
  rule_o text := 'NULL::jsonb';
BEGIN
  IF rules IS NOT NULL THEN
    SELECT format('jsonb_build_object(%s)', string_agg(format('%L, n.%I', c, c), ', ')),
           format('jsonb_build_object(%s)', string_agg(format('%L, o.%I', c, c), ', '))
      INTO rule_n, rule_o FROM unnest(rules) AS c;
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE format(
      'INSERT INTO change_log (xid, table_name, row_id, operation, new_region, new_rule)
       SELECT $1, $2, n.id, ''I'', %s, %s FROM new_rows n ORDER BY n.id', region_n, rule_n)
      USING xid, TG_TABLE_NAME;
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format(
      'INSERT INTO change_log (xid, table_name, row_id, operation, changed_columns, old_region, new_region, old_rule, new_rule)
       SELECT $1, $2, n.id, ''U'', d.cols, %s, %s, %s, %s
       FROM new_rows n JOIN old_rows o ON o.id = n.id
       CROSS JOIN LATERAL (SELECT to_jsonb(o) AS oj, to_jsonb(n) AS nj) j
       CROSS JOIN LATERAL (
         SELECT array_agg(k.key ORDER BY k.key) AS cols FROM jsonb_each(j.nj) k
         WHERE k.key NOT IN (''version'', ''updated_at'') AND k.value IS DISTINCT FROM j.oj -> k.key
       ) d
       WHERE d.cols IS NOT NULL ORDER BY n.id', region_o, region_n, rule_o, rule_n)
      USING xid, TG_TABLE_NAME;
  ELSE
    EXECUTE format(
      'INSERT INTO change_log (xid, table_name, row_id, operation, old_region, old_rule)
       SELECT $1, $2, o.id, ''D'', %s, %s FROM old_rows o ORDER BY o.id', region_o, rule_o)
      USING xid, TG_TABLE_NAME;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
-- One trigger per table and operation (a transition table belongs to one event).
DO $do$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('villages', 'code', ''),
    ('households', 'village_code', ''),
    ('members', 'village_code', ''),
    ('projects', 'region_code', ''),
    ('assets', 'village_code', 'kind'),
    ('agencies', '', ''),
    ('cadres', '', '')
  ) AS v(name, region, rules) LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes(%L, %L)', t.name || '_changes_insert', t.name, t.region, t.rules);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes(%L, %L)', t.name || '_changes_update', t.name, t.region, t.rules);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION record_row_changes(%L, %L)', t.name || '_changes_delete', t.name, t.region, t.rules);
  END LOOP;
END
$do$;
