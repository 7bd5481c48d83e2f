import { z } from 'zod';
import { zId, zTimestamp } from '../shared/records.js';

export const MERGE_ENTITIES = ['contact', 'lead', 'account'] as const;
export type MergeEntity = (typeof MERGE_ENTITIES)[number];
export const MAX_MERGED = 20;

export const mergeIn = z
  .strictObject({
    survivorId: zId.describe('The record that stays; the others are merged into it'),
    mergedIds: z
      .array(zId)
      .min(1, 'must name at least one record to merge into the survivor')
      .max(MAX_MERGED)
      .describe('Records merged into the survivor (soft-deleted, every link moved)'),
    fields: z
      .record(z.string().max(120), zId)
      .optional()
      .describe(
        'Field picks: `{field: recordId}` takes that field from that record (`custom.<key>` for a custom value, `email`/`phone` for the primary email/phone). Unpicked fields keep the survivor value when not empty, else the first merged record with one.',
      ),
    preview: z
      .boolean()
      .optional()
      .describe('true: answer what the merge would do (the merged record and what moves) and change nothing'),
  })
  .superRefine((v, ctx) => {
    if (v.mergedIds.includes(v.survivorId))
      ctx.addIssue({
        code: 'custom',
        path: ['mergedIds'],
        message: 'must not contain the survivor',
      });
    const seen = new Set<string>();
    v.mergedIds.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['mergedIds', i], message: 'is listed twice' });
      seen.add(id);
    });
  })
  .describe('A merge of records into a survivor');
export type MergeIn = z.infer<typeof mergeIn>;

export const mergeCounts = z
  .record(z.string(), z.number().int())
  .describe('Rows of each table the merge changes or removes (leads, activities, deals, …)');

/** The answer of a merge (or of its preview); `survivor` is the record as the entity's API shows it. */
export const mergeResultOf = <T extends z.ZodType>(survivor: T) =>
  z.object({
    mergeId: zId.nullable().describe('Null for a preview'),
    preview: z.boolean(),
    survivor: survivor.describe('The survivor after the merge'),
    picks: z.record(z.string(), zId).describe('For each field that differed: the record whose value won'),
    moves: mergeCounts,
  });

export const mergeOut = z
  .object({
    id: zId,
    entity: z.enum(MERGE_ENTITIES),
    survivorId: zId,
    survivorName: z.string(),
    mergedIds: z.array(zId),
    mergedNames: z.array(z.string()),
    picks: z.record(z.string(), zId),
    moves: mergeCounts,
    createdBy: z.string().nullable(),
    createdAt: zTimestamp,
    undoneAt: zTimestamp.nullable(),
    undoneBy: z.string().nullable(),
  })
  .describe('A merge, undoable until a later change touches what it changed');
export type MergeOut = z.infer<typeof mergeOut>;

export const mergeListQuery = z.strictObject({
  entity: z.enum(MERGE_ENTITIES).optional().describe('contact, lead or account'),
  recordId: zId.optional().describe('Merges with this record as survivor or merged record'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size, 1 to 200'),
  cursor: zId.optional().describe('The `nextCursor` of the previous page'),
});
export type MergeListQuery = z.infer<typeof mergeListQuery>;
