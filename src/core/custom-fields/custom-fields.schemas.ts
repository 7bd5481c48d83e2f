import { z } from 'zod';
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES } from '../db/schema/custom-fields.js';
import { recordMetaOut, zId } from '../shared/records.js';

export { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES };
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** Keys are lower snake case: what the values are stored under and what filters and rules name. */
export const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_OPTIONS = 200;
export const MAX_TEXT = 10_000;

const zKey = z
  .string()
  .trim()
  .regex(KEY_RE, 'must be lower snake case: a letter, then letters, digits or _ (at most 63)')
  .describe('Stored and filtered by this key, e.g. `budget` (`?custom.budget[gte]=10000`)');

const zOption = z.strictObject({
  value: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100)
    .describe('Stored value, e.g. `solar`; must be unique within the field'),
  label: z.string().trim().min(1, 'is required').max(200).describe('Shown to people, e.g. "Solar panels"'),
});

const zOptions = z
  .array(zOption)
  .max(MAX_OPTIONS)
  .superRefine((opts, ctx) => {
    const seen = new Set<string>();
    opts.forEach((o, i) => {
      if (seen.has(o.value))
        ctx.addIssue({ code: 'custom', path: [i, 'value'], message: 'is used by another option' });
      seen.add(o.value);
    });
  })
  .describe('Choices of a select or multiselect field (value and label)');

const editable = {
  label: z.string().trim().min(1, 'is required').max(200).describe('Shown on forms, lists and record pages'),
  options: zOptions.nullable(),
  required: z.boolean().describe('A value must be given when a record is created (and cannot be removed)'),
  description: z.string().trim().max(1000).nullable().describe('Help text shown under the input'),
  position: z.number().int().min(0).max(100_000).describe('Order on forms (ascending)'),
};

const needsOptions = (v: { type?: string; options?: unknown[] | null }, ctx: z.RefinementCtx) => {
  const choice = v.type === 'select' || v.type === 'multiselect';
  if (choice && (!v.options || v.options.length === 0))
    ctx.addIssue({
      code: 'custom',
      path: ['options'],
      message: `a ${v.type} field needs at least one option`,
    });
  if (!choice && v.options && v.options.length > 0)
    ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${v.type} field has no options` });
};

export const customFieldCreate = z
  .strictObject({
    entity: z.enum(CUSTOM_FIELD_ENTITIES).describe('Which records carry the field'),
    key: zKey,
    type: z.enum(CUSTOM_FIELD_TYPES).describe('Value type; fixed once created'),
    ...editable,
  })
  .partial({ options: true, required: true, description: true, position: true })
  .superRefine(needsOptions)
  .describe('A new custom field');

export const customFieldUpdate = z
  .strictObject({
    ...editable,
    entity: z.enum(CUSTOM_FIELD_ENTITIES).describe('Fixed once created: may only be sent unchanged'),
    key: zKey.describe('Fixed once created (values are stored under it): may only be sent unchanged'),
    type: z.enum(CUSTOM_FIELD_TYPES).describe('Fixed once created: may only be sent unchanged'),
  })
  .partial()
  .describe('What to change; `entity`, `key` and `type` are fixed once the field exists');

export const customFieldReorder = z.strictObject({
  entity: z.enum(CUSTOM_FIELD_ENTITIES),
  ids: z.array(zId).min(1).max(500).describe("The entity's fields in their new order (positions 0, 1, 2, …)"),
});

export const customFieldOut = z
  .object({
    id: zId,
    entity: z.enum(CUSTOM_FIELD_ENTITIES),
    key: z.string(),
    label: z.string(),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(z.object({ value: z.string(), label: z.string() })),
    required: z.boolean(),
    description: z.string().nullable(),
    position: z.number().int(),
    ...recordMetaOut,
  })
  .describe('A custom field definition. Archived (deleted) fields keep their stored values.');

/**
 * `customFields` in a record write: `{key: value}`; a PATCH merges keys and `null` removes a value.
 * Values are checked against the workspace's definitions by the service (types, options, required).
 */
export const customFieldsIn = z
  .record(z.string().max(63), z.unknown())
  .describe('Custom field values by key; on update keys merge and null removes a value');

export const customFieldsOut = z
  .record(z.string(), z.unknown())
  .describe('Custom field values by key (see GET /api/v1/custom-fields)');

export type CustomFieldCreate = z.infer<typeof customFieldCreate>;
export type CustomFieldUpdate = z.infer<typeof customFieldUpdate>;
export type CustomFieldOut = z.infer<typeof customFieldOut>;
export type CustomFieldReorder = z.infer<typeof customFieldReorder>;
export type CustomValues = Record<string, unknown>;
