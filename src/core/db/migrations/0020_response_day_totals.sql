CREATE TABLE "response_day_totals" (
	"workspace_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"open" boolean NOT NULL,
	"bucket" smallint NOT NULL,
	"slot" smallint NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "response_day_totals_pk" PRIMARY KEY("workspace_id","grain","day","pipeline_id","owner_id","open","bucket","slot")
);
--> statement-breakpoint
ALTER TABLE "response_day_totals" ADD CONSTRAINT "response_day_totals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The team report's kept figures (ADR 018). A lead's first response in seconds (0 when the first
-- activity came before the lead; null: none yet), its bucket (-1: none yet), and the start of a day's
-- week (Monday) or month: date arithmetic only, so no session time zone comes into it.
CREATE FUNCTION "report_response_seconds"(created timestamptz, responded timestamptz) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT greatest(0, date_part('epoch', responded - created)) $$;--> statement-breakpoint
CREATE FUNCTION "report_response_bucket"(created timestamptz, responded timestamptz) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN responded IS NULL THEN -1::smallint ELSE report_duration_bucket(greatest(0, date_part('epoch', responded - created))) END $$;--> statement-breakpoint
CREATE FUNCTION "report_grain_day"(grain text, d date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE grain WHEN 'w' THEN d - (extract(isodow FROM d)::int - 1) WHEN 'm' THEN d - (extract(day FROM d)::int - 1) ELSE d END $$;--> statement-breakpoint
-- response_day_totals: live leads per grain (d day, w week, m month of UTC creation), pipeline, owner,
-- open or not and first-response bucket; each lead counts once per grain. Kept like the other totals:
-- one slot per transaction, deltas in key order; statements that change none of these add nothing.
CREATE FUNCTION "response_day_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_slot smallint := (txid_current() % 16)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO response_day_totals AS t (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot, n)
    SELECT workspace_id, grain, day, pipeline_id, owner_id, open, bucket, v_slot, sum(k)
    FROM (SELECT r.workspace_id, g.grain, report_grain_day(g.grain, (r.created_at AT TIME ZONE 'UTC')::date) AS day, r.pipeline_id,
        coalesce(r.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, r.status NOT IN ('won', 'lost') AS open,
        report_response_bucket(r.created_at, r.first_response_at) AS bucket, r.k
      FROM (SELECT workspace_id, created_at, pipeline_id, owner_id, status, first_response_at, 1 AS k FROM new_rows WHERE deleted_at IS NULL) r CROSS JOIN (VALUES ('d'), ('w'), ('m')) g(grain)) d
    GROUP BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    HAVING sum(k) <> 0
    ORDER BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    ON CONFLICT (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO response_day_totals AS t (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot, n)
    SELECT workspace_id, grain, day, pipeline_id, owner_id, open, bucket, v_slot, sum(k)
    FROM (SELECT r.workspace_id, g.grain, report_grain_day(g.grain, (r.created_at AT TIME ZONE 'UTC')::date) AS day, r.pipeline_id,
        coalesce(r.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, r.status NOT IN ('won', 'lost') AS open,
        report_response_bucket(r.created_at, r.first_response_at) AS bucket, r.k
      FROM (SELECT workspace_id, created_at, pipeline_id, owner_id, status, first_response_at, -1 AS k FROM old_rows WHERE deleted_at IS NULL) r CROSS JOIN (VALUES ('d'), ('w'), ('m')) g(grain)) d
    GROUP BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    HAVING sum(k) <> 0
    ORDER BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    ON CONFLICT (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  ELSE
    INSERT INTO response_day_totals AS t (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot, n)
    SELECT workspace_id, grain, day, pipeline_id, owner_id, open, bucket, v_slot, sum(k)
    FROM (SELECT r.workspace_id, g.grain, report_grain_day(g.grain, (r.created_at AT TIME ZONE 'UTC')::date) AS day, r.pipeline_id,
        coalesce(r.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_id, r.status NOT IN ('won', 'lost') AS open,
        report_response_bucket(r.created_at, r.first_response_at) AS bucket, r.k
      FROM (SELECT workspace_id, created_at, pipeline_id, owner_id, status, first_response_at, 1 AS k FROM new_rows WHERE deleted_at IS NULL UNION ALL SELECT workspace_id, created_at, pipeline_id, owner_id, status, first_response_at, -1 AS k FROM old_rows WHERE deleted_at IS NULL) r CROSS JOIN (VALUES ('d'), ('w'), ('m')) g(grain)) d
    GROUP BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    HAVING sum(k) <> 0
    ORDER BY workspace_id, grain, day, pipeline_id, owner_id, open, bucket
    ON CONFLICT (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot) DO UPDATE SET n = t.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "leads_response_day_totals_insert" AFTER INSERT ON "leads"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "response_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_response_day_totals_update" AFTER UPDATE ON "leads"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "response_day_totals_apply"();--> statement-breakpoint
CREATE TRIGGER "leads_response_day_totals_delete" AFTER DELETE ON "leads"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "response_day_totals_apply"();--> statement-breakpoint
INSERT INTO response_day_totals (workspace_id, grain, day, pipeline_id, owner_id, open, bucket, slot, n)
SELECT l.workspace_id, g.grain, report_grain_day(g.grain, (l.created_at AT TIME ZONE 'UTC')::date), l.pipeline_id,
  coalesce(l.owner_id, '00000000-0000-0000-0000-000000000000'::uuid), l.status NOT IN ('won', 'lost'),
  report_response_bucket(l.created_at, l.first_response_at), 0, count(*)
FROM leads l CROSS JOIN (VALUES ('d'), ('w'), ('m')) g(grain)
WHERE l.deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;--> statement-breakpoint
-- An owner's responded leads in first-response order, from a median's bucket up (with the creation
-- time and pipeline to keep to the report's cohort).
CREATE INDEX "leads_response_report_idx" ON "leads" USING btree ("workspace_id", "owner_id", report_response_seconds(created_at, first_response_at)) INCLUDE ("created_at", "first_response_at", "pipeline_id") WHERE deleted_at is null and first_response_at is not null;
