import type { Account, Contact, Deal, Lead, Role } from '../api/types';

export const LEAD_STATUSES: Lead['status'][] = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'];
export const PRIORITIES: Lead['priority'][] = ['low', 'medium', 'high', 'urgent'];
export const TEMPERATURES: NonNullable<Lead['temperature']>[] = ['cold', 'warm', 'hot'];
export const MARKETING_STAGES: NonNullable<Lead['marketingStage']>[] = [
  'awareness',
  'consideration',
  'decision',
];
export const LEAD_SOURCES = [
  'website',
  'referral',
  'partner',
  'ads',
  'email',
  'event',
  'cold_call',
  'social',
  'import',
];
export const CONTACT_STATUSES: Contact['status'][] = ['lead', 'prospect', 'active', 'inactive'];
export const INFLUENCE: NonNullable<Contact['influence']>[] = ['high', 'medium', 'low'];
export const ACCOUNT_TYPES: NonNullable<Account['accountType']>[] = [
  'customer',
  'prospect',
  'partner',
  'competitor',
  'reseller',
];
export const ACCOUNT_HEALTH: NonNullable<Account['health']>[] = ['green', 'yellow', 'red', 'black'];
export const FORECAST_CATEGORIES: NonNullable<Deal['forecastCategory']>[] = [
  'pipeline',
  'best_case',
  'commit',
  'closed',
  'omitted',
];
export const MEMBER_ROLES: Exclude<Role, 'owner'>[] = ['admin', 'manager', 'rep', 'viewer'];
export const CALL_OUTCOMES = [
  'connected',
  'no_answer',
  'left_voicemail',
  'busy',
  'wrong_number',
  'follow_up_required',
];

export const STATUS_COLORS: Record<string, string> = {
  new: 'gray',
  contacted: 'blue',
  qualified: 'violet',
  proposal: 'orange',
  won: 'green',
  lost: 'red',
  lead: 'blue',
  prospect: 'cyan',
  active: 'green',
  inactive: 'gray',
};
export const PRIORITY_COLORS: Record<string, string> = {
  low: 'gray',
  medium: 'blue',
  high: 'orange',
  urgent: 'red',
};
export const TEMPERATURE_COLORS: Record<string, string> = { cold: 'cyan', warm: 'yellow', hot: 'red' };
export const HEALTH_COLORS: Record<string, string> = {
  green: 'green',
  yellow: 'yellow',
  red: 'red',
  black: 'dark',
};
export const ROLE_COLORS: Record<string, string> = {
  owner: 'grape',
  admin: 'indigo',
  manager: 'blue',
  rep: 'teal',
  viewer: 'gray',
};

/** Client-side checks mirroring the server's, so obvious mistakes are shown before a round trip. */
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PHONE_RE = /^[+0-9 ().\-/x]+$/i;
export const DOMAIN_RE = /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

export const checkEmail = (v: string): string | null =>
  v.trim() && !EMAIL_RE.test(v.trim()) ? 'Must be an email address' : null;
export const checkPhone = (v: string): string | null =>
  v.trim() && (v.trim().length < 3 || !PHONE_RE.test(v.trim()))
    ? 'Must be a phone number (digits, spaces, + ( ) - .)'
    : null;
