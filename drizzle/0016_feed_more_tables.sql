ALTER TABLE "household_incomes" ADD COLUMN "id" integer NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "household_incomes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "household_rigid_expenditures" ADD COLUMN "id" integer NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "household_rigid_expenditures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "household_incomes" ADD CONSTRAINT "household_incomes_id_unique" UNIQUE("id");--> statement-breakpoint
ALTER TABLE "household_rigid_expenditures" ADD CONSTRAINT "household_rigid_expenditures_id_unique" UNIQUE("id");--> statement-breakpoint
-- The change feed's capture, for the record tables it did not cover yet (hand-written).
-- capture_changes (drizzle/0015_change_feed.sql) now also takes the region of a table keyed to a
-- parent row, as 'fk>parent.column': an income's region is its household's village, an objection's
-- its case's. Such a row moves with its parent without changing itself, so capture_scope_moves adds
-- to the parent a trigger that records, when the parent's region changes, an update of each child
-- naming no column: the feed turns it into ENTERED_SCOPE or LEFT_SCOPE for the departments of the
-- two regions, and into nothing for a department that sees both. (A child deleted by a cascade
-- after its parent is recorded without a region: the parent's own tombstone covers it.)
CREATE OR REPLACE FUNCTION capture_changes(tbl text, region text, rules text) RETURNS void LANGUAGE plpgsql AS $gen$
DECLARE
  compare text;
  rule_cols text[] := CASE WHEN rules <> '' THEN string_to_array(rules, ',') END;
  -- 'fk>parent.column': the region is the parent row's (e.g. an income's is its household's village).
  via text[] := regexp_match(region, '^([a-z_]+)>([a-z_]+)\.([a-z_]+)$');
  region_n text := CASE
    WHEN region = '' THEN 'NULL::text'
    WHEN via IS NOT NULL THEN format('(SELECT p.%I::text FROM %I p WHERE p.id = n.%I)', via[3], via[2], via[1])
    ELSE format('n.%I::text', region) END;
  region_o text := CASE
    WHEN region = '' THEN 'NULL::text'
    WHEN via IS NOT NULL THEN format('(SELECT p.%I::text FROM %I p WHERE p.id = o.%I)', via[3], via[2], via[1])
    ELSE format('o.%I::text', region) END;
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
$gen$;--> statement-breakpoint
CREATE FUNCTION capture_scope_moves(parent text, parent_region text, child text, fk text) RETURNS void LANGUAGE plpgsql AS $gen$
DECLARE
  fn text := parent || '_moves_' || child;
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      INSERT INTO change_log (xid, table_name, row_id, operation, changed_columns, old_region, new_region)
      SELECT pg_current_xact_id()::text::bigint, %2$L, c.id, 'U', '{}'::text[], o.%3$I::text, n.%3$I::text
      FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN %2$I c ON c.%4$I = n.id
      WHERE n.%3$I IS DISTINCT FROM o.%3$I
      ORDER BY c.id;
      RETURN NULL;
    END
    $body$$f$, fn, child, parent_region, fk);
  EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', fn, parent);
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %I()', fn, parent, fn);
END
$gen$;
--> statement-breakpoint
SELECT capture_changes('household_incomes', 'household_id>households.village_code', '');--> statement-breakpoint
SELECT capture_changes('household_rigid_expenditures', 'household_id>households.village_code', '');--> statement-breakpoint
SELECT capture_changes('cadre_household_assignments', 'household_id>households.village_code', '');--> statement-breakpoint
SELECT capture_changes('monitoring_cases', 'village_code', 'filed_by');--> statement-breakpoint
SELECT capture_changes('case_objections', 'case_id>monitoring_cases.village_code', '');--> statement-breakpoint
SELECT capture_changes('assistance_measures', 'case_id>monitoring_cases.village_code', '');--> statement-breakpoint
SELECT capture_changes('follow_up_visits', 'village_code', '');--> statement-breakpoint
SELECT capture_changes('risk_alerts', 'village_code', '');--> statement-breakpoint
SELECT capture_changes('monitoring_standards', '', '');--> statement-breakpoint
SELECT capture_scope_moves('households', 'village_code', 'household_incomes', 'household_id');--> statement-breakpoint
SELECT capture_scope_moves('households', 'village_code', 'household_rigid_expenditures', 'household_id');--> statement-breakpoint
SELECT capture_scope_moves('households', 'village_code', 'cadre_household_assignments', 'household_id');--> statement-breakpoint
SELECT capture_scope_moves('monitoring_cases', 'village_code', 'case_objections', 'case_id');--> statement-breakpoint
SELECT capture_scope_moves('monitoring_cases', 'village_code', 'assistance_measures', 'case_id');
