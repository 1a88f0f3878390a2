CREATE TYPE "public"."insurance_subsidy_category" AS ENUM('FULL', 'FIXED', 'FORMERLY_POOR', 'NONE');--> statement-breakpoint
ALTER TYPE "public"."schooling_status" ADD VALUE 'HOME_TAUGHT';--> statement-breakpoint
ALTER TYPE "public"."schooling_status" ADD VALUE 'EXEMPT_FOR_HEALTH';--> statement-breakpoint
ALTER TABLE "members" DROP CONSTRAINT "members_medical_expense";--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "schooling_exemption_evidence" text;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "has_disability_certificate" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "receives_disability_living_allowance" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "receives_disability_nursing_allowance" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "has_vocational_training" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "has_public_welfare_job" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "pension_premium_paid_by_government" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "insurance_subsidy_category" "insurance_subsidy_category";--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "medical_expense_reimbursed" numeric(14, 2) DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "villages" ADD COLUMN "registered_poor_population" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "villages" ADD COLUMN "registered_poor_households" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_schooling_exemption" CHECK (schooling_status::text NOT IN ('HOME_TAUGHT', 'EXEMPT_FOR_HEALTH') OR schooling_exemption_evidence IS NOT NULL);--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_medical_expense" CHECK (medical_expense_out_of_pocket >= 0 AND medical_expense_reimbursed >= 0);--> statement-breakpoint
ALTER TABLE "villages" ADD CONSTRAINT "villages_poor_population" CHECK (registered_poor_population >= 0 AND registered_poor_households >= 0);--> statement-breakpoint
-- Until now registered_population/households held the registered-poor counts: keep them as such.
-- The 户籍人口 of existing villages is not known here; it stays at that count until re-imported.
UPDATE "villages" SET "registered_poor_population" = "registered_population", "registered_poor_households" = "registered_households";
