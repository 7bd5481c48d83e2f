/** Types of the API answers, taken from the server's zod contracts (type-only: nothing of src/core is bundled). */
export type { AccountOut as Account } from '../../core/accounts/accounts.schemas.js';
export type { ActivityOut as Activity } from '../../core/activities/activities.schemas.js';
export type { ApiKeyOut as ApiKey } from '../../core/auth/api-keys.schemas.js';
export type { ContactOut as Contact } from '../../core/contacts/contacts.schemas.js';
export type { DealOut as Deal } from '../../core/deals/deals.schemas.js';
export type { LeadOut as Lead } from '../../core/leads/leads.schemas.js';
export type { PipelineOut as Pipeline, StageOut as Stage } from '../../core/pipelines/pipelines.schemas.js';
export type {
  MemberOut as Member,
  WorkspaceOut as Workspace,
} from '../../core/workspaces/workspaces.schemas.js';

import type { ApiKeyOut } from '../../core/auth/api-keys.schemas.js';
import type { WorkspaceOut } from '../../core/workspaces/workspaces.schemas.js';

export type Role = WorkspaceOut['role'];

export type User = { id: string; email: string; name: string };

export type Session = { user: User; workspace: WorkspaceOut | null; workspaces: WorkspaceOut[] };

export type Page<T> = { data: T[]; nextCursor: string | null };

export type ApiKeyCreated = ApiKeyOut & { key: string };

export type LeadContact = {
  contactId: string;
  role: 'primary' | 'secondary' | 'decision_maker' | 'technical' | 'billing';
  name: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
};

export type AuditEntry = {
  id: string;
  at: string;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
};

// Reports (issue 6): the answers of the report routes.
export type { CampaignOut as Campaign } from '../../core/campaigns/campaigns.schemas.js';
export type {
  CampaignRow,
  CampaignsReportOut as CampaignsReport,
  SourceRow,
  SourcesOut as SourcesReport,
} from '../../core/reports/acquisition-report.schemas.js';
export type { ActivityReport } from '../../core/reports/activity-report.schemas.js';
export type { ForecastReport } from '../../core/reports/forecast-report.schemas.js';
export type { FunnelOut as FunnelReport } from '../../core/reports/funnel-report.schemas.js';
export type { HealthReport } from '../../core/reports/health-report.schemas.js';
export type { BuilderOut as BuilderResult } from '../../core/reports/report-builder.schemas.js';
export type { Drill } from '../../core/reports/report-filters.js';
export type {
  DashboardOut as Dashboard,
  SavedReportOut as SavedReport,
} from '../../core/reports/saved-reports.schemas.js';
export type { TeamReport, TeamReportRow } from '../../core/reports/team-report.schemas.js';
