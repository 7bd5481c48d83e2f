import { z } from 'zod';
import { AppError } from './errors.js';

/** Output-only fields: sent in a create or update they are refused as read-only, not as unknown. */
export const READ_ONLY_FIELDS = new Set([
  'id',
  'workspaceId',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'version',
  'createdBy',
  'score',
  'predictedProbability',
  'convertedAt',
  'convertedAccountId',
  'convertedDealId',
  'autoCreatedFromContact',
  'isConvertedFromLead',
  'conversionDate',
  'primaryEmail',
  'primaryPhone',
  'stageEnteredAt',
  'contact',
  'isDuplicate',
]);

/**
 * Optimistic concurrency. A record's ETag is its version (a lead's also carries its contact's version,
 * since a lead shows its contact's fields). A stale `If-Match` fails with 412; `*` matches anything.
 */
export function checkVersion(entity: string, currentEtag: string, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  if (ifMatch !== currentEtag)
    throw new AppError(
      'precondition_failed',
      `The ${entity} was changed by someone else (ETag now "${currentEtag}", yours "${ifMatch}"); reload and retry`,
      [{ field: 'If-Match', reason: 'is stale' }],
      { currentEtag },
    );
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** Common zod pieces for record contracts. */
export const zId = z.uuid().describe('UUIDv7 id');
export const zExternalId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .nullable()
  .describe('Id of this record in the system it came from; unique per workspace and entity');
export const zText = (max = 200) => z.string().trim().max(max).nullable();
export const zMoney = z
  .union([z.number(), z.string().trim()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^-?\d{1,14}(\.\d{1,2})?$/, 'must be an amount with at most 2 decimals'))
  .nullable()
  .describe('Amount as a decimal string or number, at most 2 decimals');
export const zMoneyOut = z.string().nullable().describe('Decimal amount as a string (exact)');
/** PostgreSQL has no year 0 (1 BC is year 0000 in ISO 8601), so dates start at year 1. */
const fromYearOne = (s: string) => !s.startsWith('0000');
export const zTimestamp = z.iso
  .datetime({ offset: true })
  .refine(fromYearOne, 'must be in year 1 or later')
  .describe('ISO 8601 timestamp');
export const zDate = z.iso
  .date()
  .refine(fromYearOne, 'must be in year 1 or later')
  .describe('ISO 8601 date (YYYY-MM-DD)');
export const recordMetaOut = {
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  deletedAt: zTimestamp.nullable().describe('Set when soft-deleted; restore with POST /:id/restore'),
  version: z.number().int().describe('Optimistic concurrency version; sent back as the ETag'),
};
