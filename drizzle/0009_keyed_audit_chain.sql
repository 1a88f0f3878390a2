-- The audit chain becomes keyed (HMAC-SHA256, key outside the database). Entries written before
-- this migration keep their plain SHA-256 links and get no seq/key_id: they stay verifiable as an
-- unkeyed prefix, and the first keyed entry links to their head, so from then on they are sealed
-- too. The checkpoints record how long that prefix is (see README, "The read audit").
ALTER TABLE "audit_log" ADD COLUMN "purpose_text" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "correlation_id" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_seq_unique" UNIQUE("seq");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_keyed" CHECK ((seq IS NULL) = (key_id IS NULL));