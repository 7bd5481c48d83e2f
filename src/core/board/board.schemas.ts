import { z } from 'zod';
import { LEAD_STATUSES } from '../db/schema/index.js';
import { leadOut, PRIORITIES, TEMPERATURES } from '../leads/leads.schemas.js';
import { stageOut } from '../pipelines/pipelines.schemas.js';
import { zId, zMoneyOut } from '../shared/records.js';

const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const zDateOrTime = z
  .string()
  .regex(DATE_OR_TIME, 'must be a date (2025-01-31) or an ISO date-time')
  .refine((v) => !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), 'is not a valid date');

/** The board's filters (the same for the whole board and for one column's pages). */
export const boardFilters = {
  ownerId: z
    .union([z.literal('me'), z.literal('none'), z.uuid('must be a UUID, "me" or "none"')])
    .optional()
    .describe('Owner: a user id, `me` (the caller) or `none` (unassigned)'),
  source: z.string().trim().min(1).max(100).optional().describe('Lead source, e.g. website'),
  scoreMin: z.coerce.number().int().min(0).max(100).optional().describe('Lowest score (inclusive)'),
  scoreMax: z.coerce.number().int().min(0).max(100).optional().describe('Highest score (inclusive)'),
  createdFrom: zDateOrTime.optional().describe('Created on or after (a date means from its start, UTC)'),
  createdTo: zDateOrTime.optional().describe('Created on or before (a date means up to its end, UTC)'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Search text: the contact's name, company or email, or the lead's title"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe('Cards per column (default 50, at most 200)'),
};

export const boardQuery = z.strictObject(boardFilters);
export const columnQuery = z.strictObject({
  ...boardFilters,
  cursor: z.string().min(1).max(500).optional().describe('`nextCursor` of the previous page of this column'),
});
export type BoardQuery = z.infer<typeof boardQuery>;
export type ColumnQuery = z.infer<typeof columnQuery>;
export const boardParams = z.strictObject({ id: z.uuid('must be a UUID') });
export const columnParams = z.strictObject({
  id: z.uuid('must be a UUID'),
  stageId: z.uuid('must be a UUID'),
});

export const cardOut = z.object({
  id: zId,
  contactId: zId,
  name: z.string().describe("The contact's name (or company, or email)"),
  company: z.string().nullable(),
  title: z.string().nullable().describe("The lead's title"),
  email: z.string().nullable(),
  dealValue: zMoneyOut,
  ownerId: zId.nullable(),
  score: z.number().int(),
  source: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  temperature: z.enum(TEMPERATURES).nullable(),
  status: z.enum(LEAD_STATUSES),
  stageId: zId,
  stageEnteredAt: z.string().describe('When the lead entered its stage (ISO 8601)'),
  daysInStage: z.number().int().describe('Whole days since the lead entered its stage'),
  rotten: z
    .boolean()
    .describe("In an open stage for longer than the pipeline's rottenAfterDays (false when unset)"),
  boardRank: z.string().describe('Position within the column (cards sort by boardRank, then id)'),
  version: z.number().int(),
  expectedCloseDate: z.string().nullable(),
});
export type Card = z.infer<typeof cardOut>;

export const columnPageOut = z.object({
  cards: z.array(cardOut),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next cards of this column'),
});

export const boardOut = z.object({
  pipeline: z.object({ id: zId, name: z.string(), rottenAfterDays: z.number().int().nullable() }),
  columns: z.array(
    z.object({
      stage: stageOut,
      count: z.number().int().describe('Leads in the stage that match the filters'),
      totalValue: z.string().describe('Sum of their deal values, e.g. "12500.00"'),
      weightedValue: z.string().describe("Sum of deal value × the stage's probability / 100"),
      cards: z.array(cardOut),
      nextCursor: z.string().nullable(),
    }),
  ),
});
export type BoardOut = z.infer<typeof boardOut>;

export const moveIn = z.strictObject({
  stageId: zId.describe('The column the card goes to (may be its own)'),
  beforeId: zId.optional().describe('Put the card directly above this card of the target column'),
  afterId: zId.optional().describe('Put the card directly below this card of the target column'),
  lostReason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('Required when the stage is a lost stage'),
});
export type MoveIn = z.infer<typeof moveIn>;

export const moveOut = z.object({ lead: leadOut, card: cardOut });
