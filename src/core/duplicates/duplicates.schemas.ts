import { z } from 'zod';
import { DUPLICATE_ENTITIES } from '../db/schema/index.js';
import { recordMetaOut, zId, zTimestamp } from '../shared/records.js';

export { DUPLICATE_ENTITIES };
export type DuplicateEntity = (typeof DUPLICATE_ENTITIES)[number];
export const DUPLICATE_ACTIONS = ['block', 'flag', 'link'] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];

/**
 * Fields a rule can name, per entity. `person` (contacts, leads) is the probabilistic score of the
 * whole record (Fellegi-Sunter over names, emails, phones, address, company); the others are one
 * field's similarity (1 when equal after normalization).
 */
export const RULE_FIELDS: Record<DuplicateEntity, readonly string[]> = {
  contact: [
    'person',
    'email',
    'phone',
    'name',
    'firstName',
    'lastName',
    'company',
    'street',
    'city',
    'postcode',
    'state',
  ],
  lead: [
    'person',
    'email',
    'phone',
    'name',
    'firstName',
    'lastName',
    'company',
    'street',
    'city',
    'postcode',
  ],
  account: ['domain', 'name', 'phone', 'city'],
};

/** A rule as the matcher uses it, without a condition (the built-in ones). */
export type BuiltInRule = {
  id: string | null;
  name: string;
  fields: { field: string; match: 'exact' | 'fuzzy'; weight?: number }[];
  threshold: number;
  action: DuplicateAction;
};

/**
 * Built-in rules of a workspace that has no active rule for an entity:
 * - contacts and leads: the same email (any of the contact's, case-insensitive) or the same phone
 *   (E.164) links to the existing contact; a similar person (the probabilistic score ≥ 0.9) is flagged;
 * - accounts: the same domain links to the existing account; a similar name (legal suffixes removed,
 *   similarity ≥ 0.92) is flagged.
 */
export const DEFAULT_RULES: Record<DuplicateEntity, BuiltInRule[]> = {
  contact: [
    {
      id: null,
      name: 'Same email',
      fields: [{ field: 'email', match: 'exact' }],
      threshold: 1,
      action: 'link',
    },
    {
      id: null,
      name: 'Same phone',
      fields: [{ field: 'phone', match: 'exact' }],
      threshold: 1,
      action: 'link',
    },
    {
      id: null,
      name: 'Similar person',
      fields: [{ field: 'person', match: 'fuzzy' }],
      // A flag asks a person to look: flag when the match is more likely than not (FEBRL precision
      // stays 1.000 at 0.5 with the scan's EM model; a different email alone no longer hides a nickname).
      threshold: 0.5,
      action: 'flag',
    },
  ],
  lead: [],
  account: [
    {
      id: null,
      name: 'Same domain',
      fields: [{ field: 'domain', match: 'exact' }],
      threshold: 1,
      action: 'link',
    },
    {
      id: null,
      name: 'Similar company name',
      fields: [{ field: 'name', match: 'fuzzy' }],
      threshold: 0.92,
      action: 'flag',
    },
  ],
};
DEFAULT_RULES.lead = DEFAULT_RULES.contact;

export const ruleField = z.strictObject({
  field: z
    .string()
    .min(1)
    .max(50)
    .describe('A field of the entity (see RULE_FIELDS), e.g. email, name, person'),
  match: z.enum(['exact', 'fuzzy']).describe('exact: equal after normalization; fuzzy: similarity counts'),
  weight: z.number().positive().max(100).optional().describe('Weight in the rule score (default 1)'),
});

const ruleBase = {
  entity: z
    .enum(DUPLICATE_ENTITIES)
    .describe('contact, lead (its contact fields against contacts) or account'),
  name: z.string().trim().min(1).max(200),
  fields: z.array(ruleField).min(1).max(12),
  condition: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe(
      'Optional condition in the shared condition language (docs/decisions/007) on the rule entity: the rule applies only to records satisfying it (on writes: the record written; in scans: both records of a pair). changed_to is not allowed.',
    ),
  threshold: z
    .number()
    .min(0)
    .max(1)
    .describe('Minimum rule score (weighted mean of the field similarities) for the rule to fire'),
  action: z
    .enum(DUPLICATE_ACTIONS)
    .describe('block (409), flag (saved, pair listed), link (use the existing record)'),
  active: z.boolean(),
  position: z.number().int().min(0).max(10_000).describe('Rules are tried in ascending position'),
};

function checkFields(v: { entity?: DuplicateEntity; fields?: { field: string }[] }, ctx: z.RefinementCtx) {
  if (!v.entity || !v.fields) return;
  const allowed = RULE_FIELDS[v.entity];
  v.fields.forEach((f, i) => {
    if (!allowed.includes(f.field))
      ctx.addIssue({
        code: 'custom',
        path: ['fields', i, 'field'],
        message: `is not a field of a ${v.entity} rule (one of ${allowed.join(', ')})`,
      });
  });
}

export const duplicateRuleCreate = z
  .strictObject({
    ...ruleBase,
    threshold: ruleBase.threshold.default(0.9),
    action: ruleBase.action.default('flag'),
    active: ruleBase.active.default(true),
    position: ruleBase.position.default(0),
  })
  .superRefine(checkFields);
export const duplicateRuleUpdate = z
  .strictObject({
    name: ruleBase.name.optional(),
    fields: ruleBase.fields.optional(),
    condition: ruleBase.condition,
    threshold: ruleBase.threshold.optional(),
    action: ruleBase.action.optional(),
    active: ruleBase.active.optional(),
    position: ruleBase.position.optional(),
  })
  .describe('The entity of a rule cannot change');
export const duplicateRuleOut = z.object({
  id: zId,
  entity: z.enum(DUPLICATE_ENTITIES),
  name: z.string(),
  fields: z.array(
    z.object({ field: z.string(), match: z.enum(['exact', 'fuzzy']), weight: z.number().optional() }),
  ),
  condition: z.record(z.string(), z.unknown()).nullable(),
  threshold: z.number(),
  action: z.enum(DUPLICATE_ACTIONS),
  active: z.boolean(),
  position: z.number().int(),
  ...recordMetaOut,
});
export type DuplicateRuleCreate = z.infer<typeof duplicateRuleCreate>;
export type DuplicateRuleUpdate = z.infer<typeof duplicateRuleUpdate>;
export type DuplicateRuleOut = z.infer<typeof duplicateRuleOut>;

export const reasonOut = z.object({
  field: z.string(),
  method: z.enum(['exact', 'fuzzy', 'phonetic', 'nickname']),
  similarity: z.number(),
  a: z.string().nullable(),
  b: z.string().nullable(),
});
export const candidateOut = z.object({
  id: zId,
  score: z.number().describe('0..1: the probability that both are the same (Fellegi-Sunter posterior)'),
  reasons: z.array(reasonOut),
  ruleId: zId.nullable().describe('The rule that fired (null for a built-in default rule)'),
  rule: z.string().describe('Name of the rule that fired'),
});

export const recordSummary = z.object({
  id: zId,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  company: z.string().nullable(),
  street: z.string().nullable(),
  city: z.string().nullable(),
  postcode: z.string().nullable(),
  deletedAt: zTimestamp.nullable(),
});
export const duplicatePairOut = z.object({
  recordIds: z.tuple([zId, zId]),
  score: z.number(),
  reasons: z.array(reasonOut),
  status: z.enum(['open', 'dismissed', 'merged']),
  detectedAt: zTimestamp,
  ruleId: zId.nullable(),
  jobId: zId.nullable(),
  records: z.array(recordSummary),
});
export type DuplicatePairOut = z.infer<typeof duplicatePairOut>;

export const duplicatesQuery = z.strictObject({
  entity: z.enum(DUPLICATE_ENTITIES).default('contact'),
  recordId: zId.optional().describe('Only pairs with this record'),
  status: z.enum(['open', 'dismissed', 'merged']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page'),
});
export type DuplicatesQuery = z.infer<typeof duplicatesQuery>;

export const scanBody = z.strictObject({ entity: z.enum(DUPLICATE_ENTITIES) });
export const dismissBody = z.strictObject({
  entity: z.enum(DUPLICATE_ENTITIES),
  recordIds: z
    .tuple([zId, zId])
    .refine(([a, b]) => a !== b, 'must be two different records')
    .describe('The two records of the pair, in any order'),
});
