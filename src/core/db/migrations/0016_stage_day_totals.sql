CREATE TABLE "stage_day_totals" (
	"workspace_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"day" date NOT NULL,
	"owner_id" uuid NOT NULL,
	"source" text NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"value" numeric(20, 2) DEFAULT '0' NOT NULL,
	"entered_sum" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "stage_day_totals_workspace_id_stage_id_day_owner_id_source_slot_pk" PRIMARY KEY("workspace_id","stage_id","day","owner_id","source","slot")
);
--> statement-breakpoint
ALTER TABLE "stage_day_totals" ADD CONSTRAINT "stage_day_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Live leads per stage, UTC entry day, owner and source (ADR 015), kept like stage_totals (0008): each
-- statement on leads adds its delta to a random slot, in key order; statements that leave these
-- columns, the value and the deletion alone add nothing.
CREATE FUNCTION "stage_day_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stage_day_totals AS t (workspace_id, stage_id, day, owner_id, source, slot, n, value, entered_sum)
    SELECT workspace_id, stage_id, day, owner_id, source, v_slot, sum(k), sum(v), sum(e)
    FROM (SELECT workspace_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        1 AS k, coalesce(deal_value, 0) AS v, extract(epoch FROM stage_entered_at) AS e
      FROM new_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, day, owner_id, source
    ORDER BY workspace_id, stage_id, day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value, entered_sum = t.entered_sum + excluded.entered_sum;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stage_day_totals AS t (workspace_id, stage_id, day, owner_id, source, slot, n, value, entered_sum)
    SELECT workspace_id, stage_id, day, owner_id, source, v_slot, sum(k), sum(v), sum(e)
    FROM (SELECT workspace_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        -1 AS k, -coalesce(deal_value, 0) AS v, -extract(epoch FROM stage_entered_at) AS e
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, day, owner_id, source
    ORDER BY workspace_id, stage_id, day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value, entered_sum = t.entered_sum + excluded.entered_sum;
  ELSE
    INSERT INTO stage_day_totals AS t (workspace_id, stage_id, day, owner_id, source, slot, n, value, entered_sum)
    SELECT workspace_id, stage_id, day, owner_id, source, v_slot, sum(k), sum(v), sum(e)
    FROM (SELECT workspace_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        1 AS k, coalesce(deal_value, 0) AS v, extract(epoch FROM stage_entered_at) AS e
      FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT workspace_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(source, ''),
        -1, -coalesce(deal_value, 0), -extract(epoch FROM stage_entered_at)
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, day, owner_id, source
    HAVING sum(k) <> 0 OR sum(v) <> 0 OR sum(e) <> 0
    ORDER BY workspace_id, stage_id, day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value, entered_sum = t.entered_sum + excluded.entered_sum;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_stage_day_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_day_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_day_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_day_totals_apply"();--> statement-breakpoint
INSERT INTO stage_day_totals (workspace_id, stage_id, day, owner_id, source, slot, n, value, entered_sum)
SELECT workspace_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date,
  coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(source, ''), 0,
  count(*), coalesce(sum(deal_value), 0), sum(extract(epoch FROM stage_entered_at))
FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- The leads of one stage that entered it in one span of time (the days of the health report's boundaries).
CREATE INDEX "leads_stage_entered_idx" ON "leads" USING btree ("workspace_id","stage_id","stage_entered_at") INCLUDE ("deal_value","owner_id","source") WHERE deleted_at is null;
