CREATE TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "registered_operations" (
	"api_key_id" integer NOT NULL,
	"operation_id" char(64) NOT NULL,
	"name" text,
	"document" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registered_operations_api_key_id_operation_id_pk" PRIMARY KEY("api_key_id","operation_id")
);
--> statement-breakpoint
ALTER TABLE "registered_operations" ADD CONSTRAINT "registered_operations_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registered_operations_operation_idx" ON "registered_operations" USING btree ("operation_id");