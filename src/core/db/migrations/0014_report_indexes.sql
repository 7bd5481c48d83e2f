-- Reports read cohorts of live leads by creation date and aggregate a few columns; this index lets them
-- do it from the index alone (index-only scans), whatever the pipeline, owner or source filter.
CREATE INDEX IF NOT EXISTS "leads_report_idx" ON "leads" USING btree ("workspace_id","created_at") INCLUDE ("id","pipeline_id","stage_id","status","owner_id","source","campaign","deal_value","stage_entered_at","lost_reason") WHERE deleted_at is null;--> statement-breakpoint
-- The funnel joins a cohort's stays (stage, entered, left) by lead.
CREATE INDEX IF NOT EXISTS "lead_stage_history_report_idx" ON "lead_stage_history" USING btree ("workspace_id","lead_id") INCLUDE ("stage_id","entered_at","left_at");--> statement-breakpoint
-- Team and activity reports read activities by date (user, type, lead, outcome from the index).
CREATE INDEX IF NOT EXISTS "activities_report_idx" ON "activities" USING btree ("workspace_id","occurred_at") INCLUDE ("user_id","type","lead_id","outcome") WHERE deleted_at is null;
