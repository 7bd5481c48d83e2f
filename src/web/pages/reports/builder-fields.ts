import type { BuilderEntity } from './report-api';

/**
 * Fields the report builder suggests per entity (names of the shared condition language; any other
 * condition field, such as `custom.<key>` or `contact.custom.<key>`, can be typed in).
 */
export type FieldType = 'text' | 'enum' | 'uuid' | 'number' | 'date' | 'timestamp' | 'boolean';
export type BuilderField = { field: string; label: string; type: FieldType };

const f = (field: string, label: string, type: FieldType): BuilderField => ({ field, label, type });

const LEADS: BuilderField[] = [
  f('source', 'Source', 'text'),
  f('campaign', 'Campaign', 'text'),
  f('medium', 'Medium', 'text'),
  f('status', 'Status', 'enum'),
  f('stageId', 'Stage', 'uuid'),
  f('pipelineId', 'Pipeline', 'uuid'),
  f('ownerId', 'Owner', 'uuid'),
  f('priority', 'Priority', 'enum'),
  f('temperature', 'Temperature', 'enum'),
  f('marketingStage', 'Marketing stage', 'enum'),
  f('lostReason', 'Lost reason', 'text'),
  f('productInterest', 'Product interest', 'text'),
  f('score', 'Score', 'number'),
  f('dealValue', 'Deal value', 'number'),
  f('createdAt', 'Created', 'timestamp'),
  f('stageEnteredAt', 'Entered stage', 'timestamp'),
  f('convertedAt', 'Converted', 'timestamp'),
  f('expectedCloseDate', 'Expected close', 'date'),
  f('contact.country', 'Contact country', 'text'),
  f('contact.city', 'Contact city', 'text'),
  f('account.industry', 'Account industry', 'text'),
];
const CONTACTS: BuilderField[] = [
  f('status', 'Status', 'enum'),
  f('source', 'Source', 'text'),
  f('ownerId', 'Owner', 'uuid'),
  f('accountId', 'Account', 'uuid'),
  f('country', 'Country', 'text'),
  f('city', 'City', 'text'),
  f('jobTitle', 'Job title', 'text'),
  f('department', 'Department', 'text'),
  f('influence', 'Influence', 'enum'),
  f('gdprConsent', 'GDPR consent', 'boolean'),
  f('doNotContact', 'Do not contact', 'boolean'),
  f('createdAt', 'Created', 'timestamp'),
  f('account.industry', 'Account industry', 'text'),
];
const DEALS: BuilderField[] = [
  f('stageId', 'Stage', 'uuid'),
  f('pipelineId', 'Pipeline', 'uuid'),
  f('ownerId', 'Owner', 'uuid'),
  f('forecastCategory', 'Forecast category', 'enum'),
  f('accountId', 'Account', 'uuid'),
  f('amount', 'Amount', 'number'),
  f('closeDate', 'Close date', 'date'),
  f('createdAt', 'Created', 'timestamp'),
  f('lead.source', 'Lead source', 'text'),
  f('account.industry', 'Account industry', 'text'),
];
const ACTIVITIES: BuilderField[] = [
  f('type', 'Type', 'enum'),
  f('outcome', 'Outcome', 'text'),
  f('userId', 'User', 'uuid'),
  f('durationMinutes', 'Duration (minutes)', 'number'),
  f('occurredAt', 'Occurred', 'timestamp'),
  f('createdAt', 'Created', 'timestamp'),
  f('lead.source', 'Lead source', 'text'),
  f('lead.status', 'Lead status', 'enum'),
  f('lead.ownerId', 'Lead owner', 'uuid'),
  f('contact.country', 'Contact country', 'text'),
];
const TASKS: BuilderField[] = [
  f('status', 'Status', 'enum'),
  f('priority', 'Priority', 'enum'),
  f('type', 'Type', 'enum'),
  f('assigneeId', 'Assignee', 'uuid'),
  f('dueAt', 'Due', 'timestamp'),
  f('completedAt', 'Completed', 'timestamp'),
  f('createdAt', 'Created', 'timestamp'),
  f('lead.source', 'Lead source', 'text'),
  f('lead.status', 'Lead status', 'enum'),
];

export const BUILDER_FIELDS: Record<BuilderEntity, BuilderField[]> = {
  leads: LEADS,
  contacts: CONTACTS,
  deals: DEALS,
  activities: ACTIVITIES,
  tasks: TASKS,
};

/** The custom field entity of a builder entity (leads → lead); activities and tasks have none. */
export const CUSTOM_ENTITY: Partial<Record<BuilderEntity, string>> = {
  leads: 'lead',
  contacts: 'contact',
  deals: 'deal',
};

export const DATE_BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export const MEASURE_OPS = ['count', 'sum', 'avg', 'median', 'min', 'max'] as const;
export const OP_LABELS: Record<(typeof MEASURE_OPS)[number], string> = {
  count: 'Count',
  sum: 'Sum of',
  avg: 'Average of',
  median: 'Median of',
  min: 'Minimum of',
  max: 'Maximum of',
};
