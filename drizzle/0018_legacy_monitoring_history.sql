-- What the old status actions did to poverty status, undone (seed 003: 返贫 and 致贫 counted apart;
-- design.md §4: an edge household never registered poor is never "exited"). 0014 kept monitoring
-- apart but took each event's poverty status as the old actions left it: ELIMINATE_RISK had moved
-- every monitored household to EXITED, RETURN_TO_POVERTY had called a never-poor household's fall
-- 返贫 (RETURNED), and the cases' first version recorded 致贫 as POOR. For each household holding
-- such an event, its status events are walked again in order from the first one (which 0014 set
-- from the monitoring type: EXITED for a 脱贫不稳定户, NOT_POOR otherwise): placing under monitoring
-- and eliminating a risk leave the poverty status as it was; exiting leads to EXITED; a fall into
-- poverty is 返贫 (RETURNED_TO_POVERTY → RETURNED) after EXITED, 致贫 (BECAME_POOR → NEWLY_POOR)
-- after NOT_POOR, and is kept as recorded otherwise. Households written since 0014 hold none of
-- these events, so they are left alone.
CREATE TEMP TABLE legacy_households AS
SELECT DISTINCT household_id FROM household_events
WHERE (kind::text = 'RISK_ELIMINATED' AND from_status IS DISTINCT FROM to_status)
  OR (kind::text = 'RETURNED_TO_POVERTY' AND from_status::text = 'NOT_POOR')
  OR (kind::text = 'BECAME_POOR' AND to_status::text IS DISTINCT FROM 'NEWLY_POOR');--> statement-breakpoint
CREATE TEMP TABLE legacy_chain AS
WITH RECURSIVE ordered AS (
  SELECT e.id, e.household_id, e.kind::text AS kind, e.from_status::text AS from_status, e.to_status::text AS to_status,
    row_number() OVER (PARTITION BY e.household_id ORDER BY e.occurred_on, e.id) AS n
  FROM household_events e JOIN legacy_households l ON l.household_id = e.household_id
  WHERE e.to_status IS NOT NULL
), chain AS (
  SELECT id, household_id, n, kind, from_status, to_status FROM ordered WHERE n = 1
  UNION ALL
  SELECT o.id, o.household_id, o.n,
    CASE WHEN o.kind IN ('RETURNED_TO_POVERTY', 'BECAME_POOR') AND c.to_status = 'EXITED' THEN 'RETURNED_TO_POVERTY'
      WHEN o.kind IN ('RETURNED_TO_POVERTY', 'BECAME_POOR') AND c.to_status = 'NOT_POOR' THEN 'BECAME_POOR'
      ELSE o.kind END,
    c.to_status,
    CASE WHEN o.kind = 'EXITED' THEN 'EXITED'
      WHEN o.kind IN ('PLACED_UNDER_MONITORING', 'RISK_ELIMINATED') THEN c.to_status
      WHEN o.kind IN ('RETURNED_TO_POVERTY', 'BECAME_POOR') AND c.to_status = 'EXITED' THEN 'RETURNED'
      WHEN o.kind IN ('RETURNED_TO_POVERTY', 'BECAME_POOR') AND c.to_status = 'NOT_POOR' THEN 'NEWLY_POOR'
      ELSE o.to_status END
  FROM chain c JOIN ordered o ON o.household_id = c.household_id AND o.n = c.n + 1
)
SELECT id, household_id, n, kind, from_status, to_status FROM chain;--> statement-breakpoint
-- BECAME_POOR was added to the event kinds by 0013: when 0013 runs in this same transaction (an
-- upgrade from before it, the migrations applied in one), PostgreSQL refuses to store the value
-- until it is committed. So where an event becomes BECAME_POOR, the type is first made anew here,
-- in this transaction, where all its values are usable (a rewrite of the history, only then).
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM legacy_chain c JOIN household_events e ON e.id = c.id
    WHERE c.kind = 'BECAME_POOR' AND e.kind::text <> 'BECAME_POOR'
  ) THEN
    ALTER TYPE "public"."household_event_kind" RENAME TO "household_event_kind_before_0018";
    CREATE TYPE "public"."household_event_kind" AS ENUM('IDENTIFIED', 'EXITED', 'PLACED_UNDER_MONITORING',
      'RETURNED_TO_POVERTY', 'RISK_ELIMINATED', 'FIELD_CHANGED', 'BECAME_POOR');
    ALTER TABLE "household_events" ALTER COLUMN "kind" SET DATA TYPE "public"."household_event_kind"
      USING "kind"::text::"public"."household_event_kind";
    DROP TYPE "public"."household_event_kind_before_0018";
  END IF;
END
$$;--> statement-breakpoint
-- The history is append-only: this correction, like 0014's conversion, is done with the guard lifted.
ALTER TABLE "household_events" DISABLE TRIGGER "household_events_append_only";--> statement-breakpoint
UPDATE "household_events" e SET
  "kind" = c.kind::"household_event_kind",
  "from_status" = c.from_status::"household_status",
  "to_status" = c.to_status::"household_status",
  "new_value" = coalesce(e.new_value, '{}'::jsonb) || jsonb_build_object('status', c.to_status),
  "old_value" = CASE WHEN c.from_status IS NULL THEN e.old_value
    ELSE coalesce(e.old_value, '{}'::jsonb) || jsonb_build_object('status', c.from_status) END
FROM legacy_chain c
WHERE c.id = e.id
  AND (e.kind::text, e.from_status::text, e.to_status::text) IS DISTINCT FROM (c.kind, c.from_status, c.to_status);--> statement-breakpoint
ALTER TABLE "household_events" ENABLE TRIGGER "household_events_append_only";--> statement-breakpoint
-- Each household stands where its last status event leaves it; a changed row gets a new version so
-- a write made against the old one is a conflict.
UPDATE "households" h SET "status" = last.to_status::"household_status", "version" = h.version + 1, "updated_at" = now()
FROM (
  SELECT DISTINCT ON (household_id) household_id, to_status FROM legacy_chain ORDER BY household_id, n DESC
) last
WHERE h.id = last.household_id AND h.status::text IS DISTINCT FROM last.to_status;--> statement-breakpoint
DROP TABLE legacy_chain;--> statement-breakpoint
DROP TABLE legacy_households;
