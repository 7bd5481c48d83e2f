CREATE TABLE "stage_totals" (
	"workspace_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"slot" smallint NOT NULL,
	"lead_count" bigint DEFAULT 0 NOT NULL,
	"value_sum" numeric(20, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "stage_totals_workspace_id_stage_id_slot_pk" PRIMARY KEY("workspace_id","stage_id","slot")
);
--> statement-breakpoint
DROP INDEX "leads_board_idx";--> statement-breakpoint
ALTER TABLE "stage_totals" ADD CONSTRAINT "stage_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_totals" ADD CONSTRAINT "stage_totals_stage_fk" FOREIGN KEY ("workspace_id","stage_id") REFERENCES "public"."stages"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leads_board_idx" ON "leads" USING btree ("workspace_id","stage_id","board_rank","id") INCLUDE ("deal_value","owner_id","score","source","created_at") WHERE deleted_at is null;--> statement-breakpoint
-- Board column totals kept by the statements that change leads (statement-level, transition tables:
-- a bulk insert of 10,000 leads adds one row per stage, not 10,000). A statement adds its delta to a
-- random slot of each stage it touched, in stage order (so two statements never wait on each other
-- in opposite orders); statements that leave stage, value and deletion alone add nothing.
CREATE FUNCTION "stage_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := floor(random() * 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stage_totals AS t (workspace_id, stage_id, slot, lead_count, value_sum)
    SELECT workspace_id, stage_id, v_slot, count(*), coalesce(sum(deal_value), 0)
    FROM new_rows WHERE deleted_at IS NULL GROUP BY workspace_id, stage_id ORDER BY workspace_id, stage_id
    ON CONFLICT (workspace_id, stage_id, slot) DO UPDATE
      SET lead_count = t.lead_count + excluded.lead_count, value_sum = t.value_sum + excluded.value_sum;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stage_totals AS t (workspace_id, stage_id, slot, lead_count, value_sum)
    SELECT workspace_id, stage_id, v_slot, -count(*), -coalesce(sum(deal_value), 0)
    FROM old_rows WHERE deleted_at IS NULL GROUP BY workspace_id, stage_id ORDER BY workspace_id, stage_id
    ON CONFLICT (workspace_id, stage_id, slot) DO UPDATE
      SET lead_count = t.lead_count + excluded.lead_count, value_sum = t.value_sum + excluded.value_sum;
  ELSE
    INSERT INTO stage_totals AS t (workspace_id, stage_id, slot, lead_count, value_sum)
    SELECT workspace_id, stage_id, v_slot, sum(n), coalesce(sum(v), 0)
    FROM (
      SELECT workspace_id, stage_id, 1 AS n, deal_value AS v FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT workspace_id, stage_id, -1, -deal_value FROM old_rows WHERE deleted_at IS NULL
    ) d
    GROUP BY workspace_id, stage_id
    HAVING sum(n) <> 0 OR coalesce(sum(v), 0) <> 0
    ORDER BY workspace_id, stage_id
    ON CONFLICT (workspace_id, stage_id, slot) DO UPDATE
      SET lead_count = t.lead_count + excluded.lead_count, value_sum = t.value_sum + excluded.value_sum;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_stage_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_totals_apply"();--> statement-breakpoint
INSERT INTO "stage_totals" ("workspace_id", "stage_id", "slot", "lead_count", "value_sum")
SELECT "workspace_id", "stage_id", 0, count(*), coalesce(sum("deal_value"), 0)
FROM "leads" WHERE "deleted_at" IS NULL GROUP BY "workspace_id", "stage_id";