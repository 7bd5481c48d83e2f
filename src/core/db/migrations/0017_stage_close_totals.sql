CREATE TABLE "stage_close_totals" (
	"workspace_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"close_day" date NOT NULL,
	"owner_id" uuid NOT NULL,
	"source" text NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"value" numeric(20, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "stage_close_totals_workspace_id_stage_id_close_day_owner_id_source_slot_pk" PRIMARY KEY("workspace_id","stage_id","close_day","owner_id","source","slot")
);
--> statement-breakpoint
ALTER TABLE "stage_close_totals" ADD CONSTRAINT "stage_close_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
-- Live leads per stage, expected close date, owner and source (ADR 015), kept like stage_day_totals
-- (0016) for the forecast.
CREATE FUNCTION "stage_close_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stage_close_totals AS t (workspace_id, stage_id, close_day, owner_id, source, slot, n, value)
    SELECT workspace_id, stage_id, close_day, owner_id, source, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, stage_id, coalesce(expected_close_date, '-infinity'::date) AS close_day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        1 AS k, coalesce(deal_value, 0) AS v
      FROM new_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, close_day, owner_id, source
    ORDER BY workspace_id, stage_id, close_day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, close_day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stage_close_totals AS t (workspace_id, stage_id, close_day, owner_id, source, slot, n, value)
    SELECT workspace_id, stage_id, close_day, owner_id, source, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, stage_id, coalesce(expected_close_date, '-infinity'::date) AS close_day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        -1 AS k, -coalesce(deal_value, 0) AS v
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, close_day, owner_id, source
    ORDER BY workspace_id, stage_id, close_day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, close_day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSE
    INSERT INTO stage_close_totals AS t (workspace_id, stage_id, close_day, owner_id, source, slot, n, value)
    SELECT workspace_id, stage_id, close_day, owner_id, source, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, stage_id, coalesce(expected_close_date, '-infinity'::date) AS close_day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        1 AS k, coalesce(deal_value, 0) AS v
      FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT workspace_id, stage_id, coalesce(expected_close_date, '-infinity'::date) AS close_day,
        coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, coalesce(source, '') AS source,
        -1 AS k, -coalesce(deal_value, 0) AS v
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, stage_id, close_day, owner_id, source
    HAVING sum(k) <> 0 OR sum(v) <> 0
    ORDER BY workspace_id, stage_id, close_day, owner_id, source
    ON CONFLICT (workspace_id, stage_id, close_day, owner_id, source, slot) DO UPDATE
      SET n = t.n + excluded.n, value = t.value + excluded.value;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_stage_close_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_close_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_close_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_close_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_stage_close_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stage_close_totals_apply"();--> statement-breakpoint
INSERT INTO stage_close_totals (workspace_id, stage_id, close_day, owner_id, source, slot, n, value)
SELECT workspace_id, stage_id, coalesce(expected_close_date, '-infinity'::date),
  coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(source, ''), 0,
  count(*), coalesce(sum(deal_value), 0)
FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- Every kept total of a transaction goes to one slot, the transaction's (stage_totals too, which took
-- a random slot per statement): two transactions that write totals either never share a row or meet on
-- their first shared one, instead of each holding a row the other's next statement needs (a deadlock
-- seen with 50 concurrent lead creates).
CREATE OR REPLACE FUNCTION "stage_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
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
$$;
