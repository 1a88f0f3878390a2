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
-- The change feed's capture (hand-written). capture_changes(table, region column, rule columns)
-- writes, from the catalog, a trigger function of the table's own and its three statement-level
-- triggers: after each INSERT, UPDATE or DELETE, one change_log entry per row, in the writing
-- transaction, stamped with its top-level transaction id. The region column ('' when the table is
-- unscoped) and the columns the policy's `rows:` rules test (comma-separated, '' for none) are kept
-- before and after. Updates name the columns whose value changed (version and updated_at are
-- bookkeeping); a row whose other columns are unchanged is not recorded. The comparisons are
-- plain SQL per column (not a jsonb diff: ten times cheaper on a batch), so a migration that adds
-- a column to one of these tables calls capture_changes again (tests/integrators check it).
CREATE FUNCTION capture_changes(tbl text, region text, rules text) RETURNS void LANGUAGE plpgsql AS $gen$
DECLARE
  compare text;
  rule_cols text[] := CASE WHEN rules <> '' THEN string_to_array(rules, ',') END;
  region_n text := CASE WHEN region = '' THEN 'NULL::text' ELSE format('n.%I::text', region) END;
  region_o text := CASE WHEN region = '' THEN 'NULL::text' ELSE format('o.%I::text', region) END;
  rule_n text := 'NULL::jsonb';
  rule_o text := 'NULL::jsonb';
  fn text := tbl || '_record_changes';
BEGIN
  SELECT string_agg(format('CASE WHEN n.%1$I IS DISTINCT FROM o.%1$I THEN %1$L END', attname), ', ' ORDER BY attname)
    INTO compare
    FROM pg_attribute
   WHERE attrelid = tbl::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('version', 'updated_at');
  IF rule_cols IS NOT NULL THEN
    SELECT format('jsonb_build_object(%s)', string_agg(format('%L, n.%I', c, c), ', ')),
           format('jsonb_build_object(%s)', string_agg(format('%L, o.%I', c, c), ', '))
      INTO rule_n, rule_o FROM unnest(rule_cols) AS c;
  END IF;
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO change_log (xid, table_name, row_id, operation, new_region, new_rule)
        SELECT pg_current_xact_id()::text::bigint, %2$L, n.id, 'I', %3$s, %4$s FROM new_rows n ORDER BY n.id;
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO change_log (xid, table_name, row_id, operation, changed_columns, old_region, new_region, old_rule, new_rule)
        SELECT pg_current_xact_id()::text::bigint, %2$L, d.id, 'U', d.cols, d.old_region, d.new_region, d.old_rule, d.new_rule
        FROM (
          SELECT n.id, array_remove(ARRAY[%7$s]::text[], NULL) AS cols,
                 %5$s AS old_region, %3$s AS new_region, %6$s AS old_rule, %4$s AS new_rule
          FROM new_rows n JOIN old_rows o ON o.id = n.id
        ) d
        WHERE cardinality(d.cols) > 0 ORDER BY d.id;
      ELSE
        INSERT INTO change_log (xid, table_name, row_id, operation, old_region, old_rule)
        SELECT pg_current_xact_id()::text::bigint, %2$L, o.id, 'D', %5$s, %6$s FROM old_rows o ORDER BY o.id;
      END IF;
      RETURN NULL;
    END
    $body$$f$, fn, tbl, region_n, rule_n, region_o, rule_o, compare);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tbl || '_changes_insert', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tbl || '_changes_update', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', tbl || '_changes_delete', tbl);
  -- One trigger per operation: a transition table belongs to one event.
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl || '_changes_insert', tbl, fn);
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl || '_changes_update', tbl, fn);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %I()', tbl || '_changes_delete', tbl, fn);
END
$gen$;
--> statement-breakpoint
SELECT capture_changes('villages', 'code', '');--> statement-breakpoint
SELECT capture_changes('households', 'village_code', '');--> statement-breakpoint
SELECT capture_changes('members', 'village_code', '');--> statement-breakpoint
SELECT capture_changes('projects', 'region_code', '');--> statement-breakpoint
SELECT capture_changes('assets', 'village_code', 'kind');--> statement-breakpoint
SELECT capture_changes('agencies', '', '');--> statement-breakpoint
SELECT capture_changes('cadres', '', '');
