CREATE TABLE "activity_day_totals" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" uuid NOT NULL,
	"type" text NOT NULL,
	"outcome" text NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_day_totals_workspace_id_day_user_id_type_outcome_slot_pk" PRIMARY KEY("workspace_id","day","user_id","type","outcome","slot")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "reached_stage_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "activity_day_totals" ADD CONSTRAINT "activity_day_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Report figures kept in the writing transaction by statement-level triggers (transition tables: a
-- bulk insert of 100,000 activities is one set-based update, not 100,000), like stage_totals (0008).
--
-- 1. leads.reached_stage_ids: the set of stages of the lead's stage history. An insert adds the new
-- stays' stages; a delete, or an update that moves a stay to another lead or stage, recomputes the set
-- of the leads concerned. Closing a stay (left_at) changes nothing.
CREATE FUNCTION "lead_reached_stages_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
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
      SELECT o.workspace_id, unnest(array[o.lead_id, n.lead_id]) AS lead_id
      FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
      WHERE (n.lead_id, n.stage_id) IS DISTINCT FROM (o.lead_id, o.stage_id)
    ) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_reached_insert" AFTER INSERT ON "lead_stage_history"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_reached_stages_apply"();--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_reached_update" AFTER UPDATE ON "lead_stage_history"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_reached_stages_apply"();--> statement-breakpoint
CREATE TRIGGER "lead_stage_history_reached_delete" AFTER DELETE ON "lead_stage_history"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_reached_stages_apply"();--> statement-breakpoint
-- 2. leads.first_response_at: the first live call, email, meeting, note or sms on the lead. An insert
-- can only make it earlier; a delete or an update of an activity's lead, type, time or deletion
-- recomputes it for the leads concerned (from activities_lead_idx).
CREATE FUNCTION "lead_first_response_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
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
      SELECT o.workspace_id, unnest(array[o.lead_id, n.lead_id]) AS lead_id
      FROM old_rows o JOIN new_rows n ON n.workspace_id = o.workspace_id AND n.id = o.id
      WHERE (n.lead_id, n.type, n.occurred_at, n.deleted_at) IS DISTINCT FROM (o.lead_id, o.type, o.occurred_at, o.deleted_at)
    ) d
    WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "activities_a_first_response_insert" AFTER INSERT ON "activities"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_first_response_apply"();--> statement-breakpoint
CREATE TRIGGER "activities_a_first_response_update" AFTER UPDATE ON "activities"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_first_response_apply"();--> statement-breakpoint
CREATE TRIGGER "activities_a_first_response_delete" AFTER DELETE ON "activities"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "lead_first_response_apply"();--> statement-breakpoint
-- 3. activity_day_totals: live activities per UTC day, user, type and outcome. A statement adds its
-- delta to a random slot, in key order (two statements never wait on each other in opposite orders);
-- an update that leaves those columns and the deletion alone adds nothing. The activity triggers fire
-- by name: the lead's first response (a lead row lock) before the totals.
CREATE FUNCTION "activity_day_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_day_totals AS t (workspace_id, day, user_id, type, outcome, slot, n)
    SELECT workspace_id, day, user_id, type, outcome, v_slot, sum(k)
    FROM (SELECT workspace_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid) AS user_id, type, coalesce(outcome, '') AS outcome, 1 AS k
      FROM new_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, day, user_id, type, outcome
    HAVING sum(k) <> 0
    ORDER BY workspace_id, day, user_id, type, outcome
    ON CONFLICT (workspace_id, day, user_id, type, outcome, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO activity_day_totals AS t (workspace_id, day, user_id, type, outcome, slot, n)
    SELECT workspace_id, day, user_id, type, outcome, v_slot, sum(k)
    FROM (SELECT workspace_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid) AS user_id, type, coalesce(outcome, '') AS outcome, -1 AS k
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, day, user_id, type, outcome
    HAVING sum(k) <> 0
    ORDER BY workspace_id, day, user_id, type, outcome
    ON CONFLICT (workspace_id, day, user_id, type, outcome, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSE
    INSERT INTO activity_day_totals AS t (workspace_id, day, user_id, type, outcome, slot, n)
    SELECT workspace_id, day, user_id, type, outcome, v_slot, sum(k)
    FROM (SELECT workspace_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid) AS user_id, type, coalesce(outcome, '') AS outcome, 1 AS k
      FROM new_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT workspace_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid) AS user_id, type, coalesce(outcome, '') AS outcome, -1 AS k
      FROM old_rows WHERE deleted_at IS NULL) d
    GROUP BY workspace_id, day, user_id, type, outcome
    HAVING sum(k) <> 0
    ORDER BY workspace_id, day, user_id, type, outcome
    ON CONFLICT (workspace_id, day, user_id, type, outcome, slot) DO UPDATE SET n = t.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "activities_b_day_totals_insert" AFTER INSERT ON "activities"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "activity_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "activities_b_day_totals_update" AFTER UPDATE ON "activities"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "activity_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "activities_b_day_totals_delete" AFTER DELETE ON "activities"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "activity_day_totals_apply"();--> statement-breakpoint
-- The figures of the rows already there.
UPDATE leads l SET reached_stage_ids = d.ids
FROM (SELECT workspace_id, lead_id, array_agg(DISTINCT stage_id ORDER BY stage_id) AS ids
      FROM lead_stage_history GROUP BY 1, 2) d
WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;--> statement-breakpoint
UPDATE leads l SET first_response_at = d.at
FROM (SELECT workspace_id, lead_id, min(occurred_at) AS at FROM activities
      WHERE lead_id IS NOT NULL AND deleted_at IS NULL AND type IN ('call', 'email', 'meeting', 'note', 'sms')
      GROUP BY 1, 2) d
WHERE l.workspace_id = d.workspace_id AND l.id = d.lead_id;--> statement-breakpoint
INSERT INTO activity_day_totals (workspace_id, day, user_id, type, outcome, slot, n)
SELECT workspace_id, (occurred_at AT TIME ZONE 'UTC')::date,
  coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid), type, coalesce(outcome, ''), 0, count(*)
FROM activities WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
-- The report index carries the two new columns (index-only cohorts for the funnel, sources and team).
DROP INDEX IF EXISTS "leads_report_idx";--> statement-breakpoint
CREATE INDEX "leads_report_idx" ON "leads" USING btree ("workspace_id","created_at") INCLUDE ("id","pipeline_id","stage_id","status","owner_id","source","campaign","deal_value","stage_entered_at","lost_reason","first_response_at","reached_stage_ids") WHERE deleted_at is null;
--> statement-breakpoint
-- Pipeline health and the forecast read the open leads of a pipeline's stages: the board's index by
-- stage carries their stage date and expected close date too, so both are index-only scans.
DROP INDEX IF EXISTS "leads_board_idx";--> statement-breakpoint
CREATE INDEX "leads_board_idx" ON "leads" USING btree ("workspace_id","stage_id","board_rank","id") INCLUDE ("deal_value","owner_id","score","source","created_at","stage_entered_at","expected_close_date") WHERE deleted_at is null;--> statement-breakpoint
-- Wins and losses by the day they were closed (team, velocity): a small index of closed leads only.
CREATE INDEX "leads_closed_report_idx" ON "leads" USING btree ("workspace_id","stage_entered_at") INCLUDE ("status","pipeline_id","owner_id","source","deal_value","created_at") WHERE deleted_at is null and status in ('won', 'lost');
