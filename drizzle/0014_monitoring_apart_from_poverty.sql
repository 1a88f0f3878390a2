-- Monitoring status apart from poverty status (seed 003, design.md §4): `households.status` keeps the
-- registry's poverty status alone (MONITORED leaves it; NEWLY_POOR, 致贫, is counted apart from
-- RETURNED, 返贫), `monitoring_status` says whether the household is under monitoring or its risk
-- was eliminated, `monitoring_type` the type it is (or was) monitored as. Existing rows and the
-- history are converted while the status columns are text, between the old type and the new one.
CREATE TYPE "public"."monitoring_status" AS ENUM('NOT_MONITORED', 'MONITORED', 'RISK_ELIMINATED');--> statement-breakpoint
ALTER TABLE "households" DROP CONSTRAINT "households_monitoring";--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "monitoring_status" "monitoring_status" DEFAULT 'NOT_MONITORED' NOT NULL;--> statement-breakpoint
ALTER TABLE "household_events" ALTER COLUMN "from_status" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "household_events" ALTER COLUMN "to_status" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "status" SET DATA TYPE text;--> statement-breakpoint
DROP TYPE "public"."household_status";--> statement-breakpoint
-- The monitoring type an event names: {status, monitoringType} written by the server, or a bare
-- JSON string (seeded PLACED_UNDER_MONITORING events).
CREATE FUNCTION pg_temp.type_named(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(v) WHEN 'object' THEN v->>'monitoringType' WHEN 'string' THEN v #>> '{}' END
$$;--> statement-breakpoint
-- Each status event: the poverty status before and after it (a MONITORED one is replaced by the
-- last poverty status before it, or — for a household first registered as monitored — EXITED for a
-- 脱贫不稳定户, NOT_POOR otherwise), and the monitoring state after it (the last monitoring event).
CREATE TEMP TABLE event_states AS
SELECT e.id,
  CASE WHEN e.to_status <> 'MONITORED' THEN e.to_status
    ELSE coalesce(prior.to_status, CASE WHEN coalesce(pg_temp.type_named(e.new_value), h.monitoring_type::text) = 'UNSTABLE' OR h.exited_year IS NOT NULL THEN 'EXITED' ELSE 'NOT_POOR' END)
  END AS status_after,
  CASE WHEN e.from_status = 'MONITORED'
    THEN coalesce(prior.to_status, CASE WHEN h.exited_year IS NOT NULL OR h.monitoring_type = 'UNSTABLE' THEN 'EXITED' ELSE 'NOT_POOR' END)
    ELSE e.from_status
  END AS status_before,
  CASE WHEN m.id IS NULL THEN 'NOT_MONITORED'
    WHEN m.to_status = 'MONITORED' THEN 'MONITORED'
    WHEN m.kind = 'RISK_ELIMINATED' THEN 'RISK_ELIMINATED'
    ELSE 'NOT_MONITORED'
  END AS monitoring_after,
  CASE WHEN m.to_status = 'MONITORED' THEN coalesce(pg_temp.type_named(m.new_value), h.monitoring_type::text, (
      -- An event that named no type (a household first registered as monitored): the first type its history names.
      SELECT pg_temp.type_named(n.new_value) FROM household_events n
      WHERE n.household_id = e.household_id AND n.to_status = 'MONITORED' AND pg_temp.type_named(n.new_value) IS NOT NULL
      ORDER BY n.occurred_on, n.id LIMIT 1))
    WHEN m.kind = 'RISK_ELIMINATED' THEN pg_temp.type_named(m.old_value)
  END AS type_after
FROM household_events e
JOIN households h ON h.id = e.household_id
LEFT JOIN LATERAL (
  SELECT p.to_status FROM household_events p
  WHERE p.household_id = e.household_id AND p.to_status IS NOT NULL AND p.to_status <> 'MONITORED'
    AND (p.occurred_on, p.id) < (e.occurred_on, e.id)
  ORDER BY p.occurred_on DESC, p.id DESC LIMIT 1
) prior ON true
LEFT JOIN LATERAL (
  SELECT p.id, p.kind, p.to_status, p.new_value, p.old_value FROM household_events p
  WHERE p.household_id = e.household_id
    AND (p.to_status = 'MONITORED' OR p.from_status = 'MONITORED' OR p.kind = 'RISK_ELIMINATED')
    AND (p.occurred_on, p.id) <= (e.occurred_on, e.id)
  ORDER BY p.occurred_on DESC, p.id DESC LIMIT 1
) m ON true
WHERE e.to_status IS NOT NULL;--> statement-breakpoint
-- Households: a monitored one keeps its poverty status apart; one whose risk was eliminated keeps
-- the type it was monitored as (from its last RISK_ELIMINATED event).
UPDATE "households" SET "monitoring_status" = 'MONITORED',
  "status" = CASE WHEN "exited_year" IS NOT NULL OR "monitoring_type" = 'UNSTABLE' THEN 'EXITED' ELSE 'NOT_POOR' END
WHERE "status" = 'MONITORED';--> statement-breakpoint
UPDATE "households" h SET "monitoring_status" = 'RISK_ELIMINATED', "monitoring_type" = s.type_after::monitoring_type
FROM (
  SELECT DISTINCT ON (e.household_id) e.household_id, s.monitoring_after, s.type_after
  FROM household_events e JOIN event_states s ON s.id = e.id
  ORDER BY e.household_id, e.occurred_on DESC, e.id DESC
) s
WHERE h.id = s.household_id AND h.monitoring_status = 'NOT_MONITORED'
  AND s.monitoring_after = 'RISK_ELIMINATED' AND s.type_after IS NOT NULL;--> statement-breakpoint
-- The history is append-only: its conversion is the one rewrite, done with the guard lifted.
ALTER TABLE "household_events" DISABLE TRIGGER "household_events_append_only";--> statement-breakpoint
UPDATE "household_events" e SET
  "from_status" = s.status_before,
  "to_status" = s.status_after,
  "new_value" = jsonb_build_object('status', s.status_after, 'monitoringStatus', s.monitoring_after, 'monitoringType', s.type_after),
  "old_value" = CASE WHEN e.field = 'Household.status' THEN coalesce(e.old_value, '{}'::jsonb) || jsonb_build_object('status', s.status_before) ELSE e.old_value END
FROM event_states s WHERE s.id = e.id;--> statement-breakpoint
ALTER TABLE "household_events" ENABLE TRIGGER "household_events_append_only";--> statement-breakpoint
DROP TABLE event_states;--> statement-breakpoint
CREATE TYPE "public"."household_status" AS ENUM('POOR', 'EXITED', 'RETURNED', 'NEWLY_POOR', 'NOT_POOR');--> statement-breakpoint
ALTER TABLE "household_events" ALTER COLUMN "from_status" SET DATA TYPE "public"."household_status" USING "from_status"::"public"."household_status";--> statement-breakpoint
ALTER TABLE "household_events" ALTER COLUMN "to_status" SET DATA TYPE "public"."household_status" USING "to_status"::"public"."household_status";--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "status" SET DATA TYPE "public"."household_status" USING "status"::"public"."household_status";--> statement-breakpoint
CREATE INDEX "households_monitoring_status_idx" ON "households" USING btree ("monitoring_status","id") WHERE monitoring_status <> 'NOT_MONITORED';--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_monitoring" CHECK ((monitoring_status = 'NOT_MONITORED') = (monitoring_type IS NULL));
