CREATE INDEX "households_city_id_idx" ON "households" USING btree (left("village_code", 4),"id","village_code");--> statement-breakpoint
CREATE INDEX "households_county_id_idx" ON "households" USING btree (left("village_code", 6),"id","village_code");--> statement-breakpoint
CREATE INDEX "households_township_id_idx" ON "households" USING btree (left("village_code", 9),"id","village_code");--> statement-breakpoint
CREATE INDEX "members_city_id_idx" ON "members" USING btree (left("village_code", 4),"id","village_code");--> statement-breakpoint
CREATE INDEX "members_county_id_idx" ON "members" USING btree (left("village_code", 6),"id","village_code");--> statement-breakpoint
CREATE INDEX "members_township_id_idx" ON "members" USING btree (left("village_code", 9),"id","village_code");