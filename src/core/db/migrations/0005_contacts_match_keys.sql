ALTER TABLE "contacts" ADD COLUMN "match_keys" text[];--> statement-breakpoint
CREATE INDEX "contacts_match_keys_idx" ON "contacts" USING gin ("match_keys");