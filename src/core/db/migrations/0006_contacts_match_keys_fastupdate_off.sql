DROP INDEX "contacts_match_keys_idx";--> statement-breakpoint
CREATE INDEX "contacts_match_keys_idx" ON "contacts" USING gin ("match_keys") WITH (fastupdate=false);