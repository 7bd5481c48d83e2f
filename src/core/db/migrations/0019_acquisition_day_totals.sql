CREATE TABLE "acquisition_day_totals" (
	"workspace_id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"day" date NOT NULL,
	"source" text NOT NULL,
	"campaign" text NOT NULL,
	"outcome" text NOT NULL,
	"qualified" boolean NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"value" numeric(20, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "acquisition_day_totals_pk" PRIMARY KEY("workspace_id","pipeline_id","day","source","campaign","outcome","qualified","slot")
);
--> statement-breakpoint
ALTER TABLE "acquisition_day_totals" ADD CONSTRAINT "acquisition_day_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The sources and campaigns reports' kept figures (ADR 017): live leads per pipeline, UTC creation day,
-- source, campaign (as spelled; '' for none), outcome (w won, l lost, o open) and whether the lead
-- reached a qualified stage (one whose status is qualified, proposal or won, in any pipeline, removed
-- ones too), with their value. Kept like funnel_day_totals (0018): one slot per transaction, deltas in
-- key order. "Qualified" reads the stages as they are: when a stage's status moves into or out of
-- those three, updateStage recounts the workspace's totals (recountAcquisitionTotals).
CREATE FUNCTION "acquisition_day_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO acquisition_day_totals AS t (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot, n, value)
    SELECT workspace_id, pipeline_id, day, source, campaign, outcome, qualified, v_slot, sum(k), sum(v)
    FROM (SELECT r.workspace_id, r.pipeline_id, (r.created_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(r.source, '') AS source, coalesce(r.campaign, '') AS campaign,
        CASE r.status WHEN 'won' THEN 'w' WHEN 'lost' THEN 'l' ELSE 'o' END AS outcome,
        coalesce(r.reached_stage_ids && q.ids, false) AS qualified, 1 AS k, coalesce(r.deal_value, 0) AS v
      FROM new_rows r
      LEFT JOIN (SELECT workspace_id, array_agg(id) AS ids FROM stages
                 WHERE lead_status IN ('qualified', 'proposal', 'won') AND workspace_id IN (SELECT workspace_id FROM new_rows)
                 GROUP BY workspace_id) q ON q.workspace_id = r.workspace_id
      WHERE r.deleted_at IS NULL) d
    GROUP BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    ORDER BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    ON CONFLICT (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO acquisition_day_totals AS t (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot, n, value)
    SELECT workspace_id, pipeline_id, day, source, campaign, outcome, qualified, v_slot, sum(k), sum(v)
    FROM (SELECT r.workspace_id, r.pipeline_id, (r.created_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(r.source, '') AS source, coalesce(r.campaign, '') AS campaign,
        CASE r.status WHEN 'won' THEN 'w' WHEN 'lost' THEN 'l' ELSE 'o' END AS outcome,
        coalesce(r.reached_stage_ids && q.ids, false) AS qualified, -1 AS k, -coalesce(r.deal_value, 0) AS v
      FROM old_rows r
      LEFT JOIN (SELECT workspace_id, array_agg(id) AS ids FROM stages
                 WHERE lead_status IN ('qualified', 'proposal', 'won') AND workspace_id IN (SELECT workspace_id FROM old_rows)
                 GROUP BY workspace_id) q ON q.workspace_id = r.workspace_id
      WHERE r.deleted_at IS NULL) d
    GROUP BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    ORDER BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    ON CONFLICT (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSE
    INSERT INTO acquisition_day_totals AS t (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot, n, value)
    SELECT workspace_id, pipeline_id, day, source, campaign, outcome, qualified, v_slot, sum(k), sum(v)
    FROM (SELECT r.workspace_id, r.pipeline_id, (r.created_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(r.source, '') AS source, coalesce(r.campaign, '') AS campaign,
        CASE r.status WHEN 'won' THEN 'w' WHEN 'lost' THEN 'l' ELSE 'o' END AS outcome,
        coalesce(r.reached_stage_ids && q.ids, false) AS qualified, r.k, r.k * coalesce(r.deal_value, 0) AS v
      FROM (SELECT workspace_id, pipeline_id, created_at, source, campaign, status, reached_stage_ids, deal_value, 1 AS k FROM new_rows WHERE deleted_at IS NULL
            UNION ALL SELECT workspace_id, pipeline_id, created_at, source, campaign, status, reached_stage_ids, deal_value, -1 AS k FROM old_rows WHERE deleted_at IS NULL) r
      LEFT JOIN (SELECT workspace_id, array_agg(id) AS ids FROM stages
                 WHERE lead_status IN ('qualified', 'proposal', 'won') AND workspace_id IN (SELECT workspace_id FROM new_rows)
                 GROUP BY workspace_id) q ON q.workspace_id = r.workspace_id) d
    GROUP BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    HAVING sum(k) <> 0 OR sum(v) <> 0
    ORDER BY workspace_id, pipeline_id, day, source, campaign, outcome, qualified
    ON CONFLICT (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_acquisition_day_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "acquisition_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_acquisition_day_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "acquisition_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_acquisition_day_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "acquisition_day_totals_apply"();--> statement-breakpoint
INSERT INTO acquisition_day_totals (workspace_id, pipeline_id, day, source, campaign, outcome, qualified, slot, n, value)
SELECT l.workspace_id, l.pipeline_id, (l.created_at AT TIME ZONE 'UTC')::date, coalesce(l.source, ''), coalesce(l.campaign, ''),
  CASE l.status WHEN 'won' THEN 'w' WHEN 'lost' THEN 'l' ELSE 'o' END,
  coalesce(l.reached_stage_ids && q.ids, false), 0, count(*), coalesce(sum(l.deal_value), 0)
FROM leads l
LEFT JOIN (SELECT workspace_id, array_agg(id) AS ids FROM stages WHERE lead_status IN ('qualified', 'proposal', 'won') GROUP BY workspace_id) q
  ON q.workspace_id = l.workspace_id
WHERE l.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
-- The won leads of a creation range, for the time to win's medians (a partial index: won leads only).
CREATE INDEX "leads_won_report_idx" ON "leads" USING btree ("workspace_id","created_at") INCLUDE ("pipeline_id","owner_id","source","campaign","stage_entered_at") WHERE deleted_at is null and status = 'won';
