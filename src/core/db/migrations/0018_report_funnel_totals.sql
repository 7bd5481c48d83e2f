CREATE TABLE "funnel_day_totals" (
	"workspace_id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reached" uuid[] NOT NULL,
	"lost" text NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"value" numeric(20, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "funnel_day_totals_workspace_id_pipeline_id_day_reached_lost_slot_pk" PRIMARY KEY("workspace_id","pipeline_id","day","reached","lost","slot")
);
--> statement-breakpoint
CREATE TABLE "stay_duration_totals" (
	"workspace_id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"day" date NOT NULL,
	"stage_id" uuid NOT NULL,
	"bucket" smallint NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stay_duration_totals_workspace_id_pipeline_id_day_stage_id_bucket_slot_pk" PRIMARY KEY("workspace_id","pipeline_id","day","stage_id","bucket","slot")
);
--> statement-breakpoint
ALTER TABLE "lead_stage_history" ADD COLUMN "seconds" double precision GENERATED ALWAYS AS (date_part('epoch', left_at - entered_at)) STORED;--> statement-breakpoint
ALTER TABLE "lead_stage_history" ADD COLUMN "lead_created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lead_stage_history" ADD COLUMN "lead_pipeline_id" uuid;--> statement-breakpoint
ALTER TABLE "lead_stage_history" ADD COLUMN "lead_live" boolean;--> statement-breakpoint
ALTER TABLE "funnel_day_totals" ADD CONSTRAINT "funnel_day_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_duration_totals" ADD CONSTRAINT "stay_duration_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- (created below, after the backfill)--> statement-breakpoint
-- The funnel's kept figures (ADR 016). 1. A stay carries its lead's creation time, current pipeline and
-- liveness: filled after every insert of stays and after an update that moves stays to another lead
-- (a merge), and copied to the lead's stays when a lead's creation time, pipeline or deletion changes.
-- After-statement triggers (not before-row lookups): a lead and its first stay may be written by one
-- statement (an import's data-modifying CTEs), and the lead is only visible once that statement ends.
UPDATE lead_stage_history h SET lead_created_at = l.created_at, lead_pipeline_id = l.pipeline_id, lead_live = l.deleted_at IS NULL
FROM leads l WHERE l.workspace_id = h.workspace_id AND l.id = h.lead_id;--> statement-breakpoint
CREATE FUNCTION "stay_lead_fill"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only when stays were inserted or moved to another lead (see lead_stays_copy: no endless calls).
  IF TG_OP = 'INSERT' THEN
    UPDATE lead_stage_history h
    SET lead_created_at = l.created_at, lead_pipeline_id = l.pipeline_id, lead_live = l.deleted_at IS NULL
    FROM new_rows n JOIN leads l ON l.workspace_id = n.workspace_id AND l.id = n.lead_id
    WHERE h.workspace_id = n.workspace_id AND h.id = n.id
      AND (h.lead_created_at, h.lead_pipeline_id, h.lead_live) IS DISTINCT FROM (l.created_at, l.pipeline_id, l.deleted_at IS NULL);
  ELSIF EXISTS (SELECT workspace_id, id, lead_id FROM new_rows EXCEPT SELECT workspace_id, id, lead_id FROM old_rows) THEN
    UPDATE lead_stage_history h
    SET lead_created_at = l.created_at, lead_pipeline_id = l.pipeline_id, lead_live = l.deleted_at IS NULL
    FROM (SELECT workspace_id, id, lead_id FROM new_rows EXCEPT SELECT workspace_id, id, lead_id FROM old_rows) n
      JOIN leads l ON l.workspace_id = n.workspace_id AND l.id = n.lead_id
    WHERE h.workspace_id = n.workspace_id AND h.id = n.id
      AND (h.lead_created_at, h.lead_pipeline_id, h.lead_live) IS DISTINCT FROM (l.created_at, l.pipeline_id, l.deleted_at IS NULL);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_a_lead_fill_insert" AFTER INSERT ON "lead_stage_history"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stay_lead_fill"();--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_a_lead_fill_update" AFTER UPDATE ON "lead_stage_history"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stay_lead_fill"();--> statement-breakpoint
CREATE FUNCTION "lead_stays_copy"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A statement-level trigger fires for statements that changed no rows too: update the stays only
  -- when a lead's columns changed, or the triggers on the stays and on the leads would call each other
  -- without end. The changed leads are new rows EXCEPT old rows (a hashed set operation), not a join of
  -- the two transition tables, which the planner cannot estimate and may run as a nested loop.
  IF NOT EXISTS (SELECT workspace_id, id, created_at, pipeline_id, deleted_at IS NULL FROM new_rows
      EXCEPT SELECT workspace_id, id, created_at, pipeline_id, deleted_at IS NULL FROM old_rows) THEN
    RETURN NULL;
  END IF;
  UPDATE lead_stage_history h
  SET lead_created_at = n.created_at, lead_pipeline_id = n.pipeline_id, lead_live = n.live
  FROM (SELECT workspace_id, id, created_at, pipeline_id, deleted_at IS NULL AS live FROM new_rows
        EXCEPT SELECT workspace_id, id, created_at, pipeline_id, deleted_at IS NULL FROM old_rows) n
  WHERE h.workspace_id = n.workspace_id AND h.lead_id = n.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_stays_copy_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_stays_copy"();--> statement-breakpoint
-- 2. Duration buckets: bucket b holds [t_b, t_b+1) seconds of these bounds (0, 60 s, then 25% wider
-- each, to 11 years; bucket 0 is below 0). The same bounds are in src/core/reports/duration-buckets.ts.
CREATE FUNCTION "report_duration_bucket"(seconds double precision) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT width_bucket(seconds, '{0,60,75,94,117,146,183,229,286,358,447,559,698,873,1091,1364,1705,2132,2665,3331,4163,5204,6505,8132,10164,12705,15882,19852,24815,31019,38774,48468,60585,75731,94663,118329,147911,184889,231112,288889,361112,451390,564237,705297,881621,1102026,1377532,1721916,2152394,2690493,3363116,4203895,5254869,6568587,8210733,10263416,12829271,16036588,20045735,25057169,31321461,39151827,48939784,61174729,76468412,95585515,119481893,149352367,186690458,233363073,291703841,364629801}'::double precision[])::smallint $$;--> statement-breakpoint
-- 3. stay_duration_totals: ended stays of live leads per lead pipeline, lead creation day (UTC), stage
-- and bucket, kept like stage_day_totals (one slot per transaction, deltas in key order).
CREATE FUNCTION "stay_duration_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stay_duration_totals AS t (workspace_id, pipeline_id, day, stage_id, bucket, slot, n)
    SELECT workspace_id, pipeline_id, day, stage_id, bucket, v_slot, sum(k)
    FROM (SELECT workspace_id, lead_pipeline_id AS pipeline_id, (lead_created_at AT TIME ZONE 'UTC')::date AS day, stage_id,
        report_duration_bucket(seconds) AS bucket, 1 AS k
      FROM new_rows WHERE seconds IS NOT NULL AND lead_live AND lead_created_at IS NOT NULL AND lead_pipeline_id IS NOT NULL) d
    GROUP BY workspace_id, pipeline_id, day, stage_id, bucket
    ORDER BY workspace_id, pipeline_id, day, stage_id, bucket
    ON CONFLICT (workspace_id, pipeline_id, day, stage_id, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stay_duration_totals AS t (workspace_id, pipeline_id, day, stage_id, bucket, slot, n)
    SELECT workspace_id, pipeline_id, day, stage_id, bucket, v_slot, sum(k)
    FROM (SELECT workspace_id, lead_pipeline_id AS pipeline_id, (lead_created_at AT TIME ZONE 'UTC')::date AS day, stage_id,
        report_duration_bucket(seconds) AS bucket, -1 AS k
      FROM old_rows WHERE seconds IS NOT NULL AND lead_live AND lead_created_at IS NOT NULL AND lead_pipeline_id IS NOT NULL) d
    GROUP BY workspace_id, pipeline_id, day, stage_id, bucket
    ORDER BY workspace_id, pipeline_id, day, stage_id, bucket
    ON CONFLICT (workspace_id, pipeline_id, day, stage_id, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSE
    INSERT INTO stay_duration_totals AS t (workspace_id, pipeline_id, day, stage_id, bucket, slot, n)
    SELECT workspace_id, pipeline_id, day, stage_id, bucket, v_slot, sum(k)
    FROM (SELECT workspace_id, lead_pipeline_id AS pipeline_id, (lead_created_at AT TIME ZONE 'UTC')::date AS day, stage_id,
        report_duration_bucket(seconds) AS bucket, 1 AS k
      FROM new_rows WHERE seconds IS NOT NULL AND lead_live AND lead_created_at IS NOT NULL AND lead_pipeline_id IS NOT NULL
      UNION ALL
      SELECT workspace_id, lead_pipeline_id AS pipeline_id, (lead_created_at AT TIME ZONE 'UTC')::date AS day, stage_id,
        report_duration_bucket(seconds) AS bucket, -1 AS k
      FROM old_rows WHERE seconds IS NOT NULL AND lead_live AND lead_created_at IS NOT NULL AND lead_pipeline_id IS NOT NULL) d
    GROUP BY workspace_id, pipeline_id, day, stage_id, bucket
    HAVING sum(k) <> 0
    ORDER BY workspace_id, pipeline_id, day, stage_id, bucket
    ON CONFLICT (workspace_id, pipeline_id, day, stage_id, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_b_durations_insert" AFTER INSERT ON "lead_stage_history"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stay_duration_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_b_durations_update" AFTER UPDATE ON "lead_stage_history"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stay_duration_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_b_durations_delete" AFTER DELETE ON "lead_stage_history"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stay_duration_totals_apply"();--> statement-breakpoint
-- 4. funnel_day_totals: live leads per pipeline, creation day (UTC), set of stages reached and lost
-- reason ('' not lost, 'n' lost without a reason, 'v' || reason), with their value.
CREATE FUNCTION "funnel_day_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO funnel_day_totals AS t (workspace_id, pipeline_id, day, reached, lost, slot, n, value)
    SELECT workspace_id, pipeline_id, day, reached, lost, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, pipeline_id, (created_at AT TIME ZONE 'UTC')::date AS day, reached_stage_ids AS reached,
        CASE WHEN status = 'lost' THEN CASE WHEN lost_reason IS NULL THEN 'n' ELSE 'v' || lost_reason END ELSE '' END AS lost, 1 AS k, coalesce(deal_value, 0) AS v
      FROM new_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, pipeline_id, day, reached, lost
    ORDER BY workspace_id, pipeline_id, day, reached, lost
    ON CONFLICT (workspace_id, pipeline_id, day, reached, lost, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO funnel_day_totals AS t (workspace_id, pipeline_id, day, reached, lost, slot, n, value)
    SELECT workspace_id, pipeline_id, day, reached, lost, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, pipeline_id, (created_at AT TIME ZONE 'UTC')::date AS day, reached_stage_ids AS reached,
        CASE WHEN status = 'lost' THEN CASE WHEN lost_reason IS NULL THEN 'n' ELSE 'v' || lost_reason END ELSE '' END AS lost, -1 AS k, -coalesce(deal_value, 0) AS v
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, pipeline_id, day, reached, lost
    ORDER BY workspace_id, pipeline_id, day, reached, lost
    ON CONFLICT (workspace_id, pipeline_id, day, reached, lost, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  ELSE
    INSERT INTO funnel_day_totals AS t (workspace_id, pipeline_id, day, reached, lost, slot, n, value)
    SELECT workspace_id, pipeline_id, day, reached, lost, v_slot, sum(k), sum(v)
    FROM (SELECT workspace_id, pipeline_id, (created_at AT TIME ZONE 'UTC')::date AS day, reached_stage_ids AS reached,
        CASE WHEN status = 'lost' THEN CASE WHEN lost_reason IS NULL THEN 'n' ELSE 'v' || lost_reason END ELSE '' END AS lost, 1 AS k, coalesce(deal_value, 0) AS v
      FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT workspace_id, pipeline_id, (created_at AT TIME ZONE 'UTC')::date AS day, reached_stage_ids AS reached,
        CASE WHEN status = 'lost' THEN CASE WHEN lost_reason IS NULL THEN 'n' ELSE 'v' || lost_reason END ELSE '' END AS lost, -1 AS k, -coalesce(deal_value, 0) AS v
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, pipeline_id, day, reached, lost
    HAVING sum(k) <> 0 OR sum(v) <> 0
    ORDER BY workspace_id, pipeline_id, day, reached, lost
    ON CONFLICT (workspace_id, pipeline_id, day, reached, lost, slot) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_funnel_day_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "funnel_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_funnel_day_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "funnel_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_funnel_day_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "funnel_day_totals_apply"();--> statement-breakpoint
INSERT INTO funnel_day_totals (workspace_id, pipeline_id, day, reached, lost, slot, n, value)
SELECT workspace_id, pipeline_id, (created_at AT TIME ZONE 'UTC')::date, reached_stage_ids,
  CASE WHEN status = 'lost' THEN CASE WHEN lost_reason IS NULL THEN 'n' ELSE 'v' || lost_reason END ELSE '' END, 0,
  count(*), coalesce(sum(deal_value), 0)
FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
INSERT INTO stay_duration_totals (workspace_id, pipeline_id, day, stage_id, bucket, slot, n)
SELECT workspace_id, lead_pipeline_id, (lead_created_at AT TIME ZONE 'UTC')::date, stage_id, report_duration_bucket(seconds), 0, count(*)
FROM lead_stage_history WHERE seconds IS NOT NULL AND lead_live AND lead_created_at IS NOT NULL AND lead_pipeline_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- 5. A cohort's stays of one stage in one duration bucket and above, in duration order (the median's
-- bucket is read from here after the histogram has found it).
CREATE INDEX "lead_stage_history_seconds_idx" ON "lead_stage_history" USING btree ("workspace_id","stage_id","seconds") INCLUDE ("lead_created_at","lead_pipeline_id") WHERE seconds is not null and lead_live;
--> statement-breakpoint
-- 6. The update branches of 0015's triggers found changed rows by joining the two transition tables,
-- which the planner cannot estimate: a bulk update (100,000 stays closed, activities restored) could
-- run as a nested loop, quadratic. They take new rows EXCEPT old rows instead, as lead_stays_copy does.
CREATE OR REPLACE FUNCTION "lead_reached_stages_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE leads l
    SET reached_stage_ids = (SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(l.reached_stage_ids || d.ids) s)
    FROM (SELECT workspace_id, lead_id, array_agg(DISTINCT stage_id) AS ids FROM new_rows GROUP BY 1, 2) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id AND NOT (l.reached_stage_ids @> d.ids);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE leads l
    SET reached_stage_ids = coalesce((SELECT array_agg(DISTINCT h.stage_id ORDER BY h.stage_id)
      FROM lead_stage_history h WHERE h.workspace_id = l.workspace_id AND h.lead_id = l.id), '{}')
    FROM (SELECT DISTINCT workspace_id, lead_id FROM old_rows) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  ELSE
    UPDATE leads l
    SET reached_stage_ids = coalesce((SELECT array_agg(DISTINCT h.stage_id ORDER BY h.stage_id)
      FROM lead_stage_history h WHERE h.workspace_id = l.workspace_id AND h.lead_id = l.id), '{}')
    FROM (
      SELECT workspace_id, lead_id FROM (SELECT workspace_id, id, lead_id, stage_id FROM new_rows
        EXCEPT SELECT workspace_id, id, lead_id, stage_id FROM old_rows) x
      UNION
      SELECT workspace_id, lead_id FROM (SELECT workspace_id, id, lead_id, stage_id FROM old_rows
        EXCEPT SELECT workspace_id, id, lead_id, stage_id FROM new_rows) y
    ) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "lead_first_response_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE leads l SET first_response_at = d.at
    FROM (SELECT workspace_id, lead_id, min(occurred_at) AS at FROM new_rows
          WHERE lead_id IS NOT NULL AND deleted_at IS NULL AND type IN ('call', 'email', 'meeting', 'note', 'sms')
          GROUP BY 1, 2) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id
      AND (l.first_response_at IS NULL OR l.first_response_at > d.at);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE leads l
    SET first_response_at = (SELECT min(a.occurred_at) FROM activities a
      WHERE a.workspace_id = l.workspace_id AND a.lead_id = l.id AND a.deleted_at IS NULL
        AND a.type IN ('call', 'email', 'meeting', 'note', 'sms'))
    FROM (SELECT DISTINCT workspace_id, lead_id FROM old_rows
          WHERE lead_id IS NOT NULL AND deleted_at IS NULL AND type IN ('call', 'email', 'meeting', 'note', 'sms')) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  ELSE
    UPDATE leads l
    SET first_response_at = (SELECT min(a.occurred_at) FROM activities a
      WHERE a.workspace_id = l.workspace_id AND a.lead_id = l.id AND a.deleted_at IS NULL
        AND a.type IN ('call', 'email', 'meeting', 'note', 'sms'))
    FROM (
      SELECT workspace_id, lead_id FROM (SELECT workspace_id, id, lead_id, type, occurred_at, deleted_at FROM new_rows
        EXCEPT SELECT workspace_id, id, lead_id, type, occurred_at, deleted_at FROM old_rows) x
      WHERE lead_id IS NOT NULL
      UNION
      SELECT workspace_id, lead_id FROM (SELECT workspace_id, id, lead_id, type, occurred_at, deleted_at FROM old_rows
        EXCEPT SELECT workspace_id, id, lead_id, type, occurred_at, deleted_at FROM new_rows) y
      WHERE lead_id IS NOT NULL
    ) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  END IF;
  RETURN NULL;
END
$$;
