ALTER TABLE "sessions" RENAME COLUMN "workspace_id" TO "current_workspace_id";--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_current_workspace_id_workspaces_id_fk" FOREIGN KEY ("current_workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;