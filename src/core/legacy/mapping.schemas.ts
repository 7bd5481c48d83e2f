import { z } from 'zod';
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES, KEY_RE } from '../custom-fields/custom-fields.schemas.js';
import { DUPLICATE_POLICIES, IMPORT_MODES, matchOn } from '../imports/imports.schemas.js';

/** The entities a legacy step may write (the import engine's, minus what legacy schemas rarely hold). */
export const LEGACY_ENTITIES = ['contacts', 'leads', 'accounts'] as const;
export type LegacyEntity = (typeof LEGACY_ENTITIES)[number];

export const TRANSFORM_NAMES = [
  'trim',
  'lowercase',
  'uppercase',
  'split_full_name',
  'normalize_phone',
  'map_values',
  'parse_date',
  'join',
  'constant',
  'default',
] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** Each transform with its arguments, after normalization (`trim` → `{name: 'trim'}`). */
export const transformSpec = z.discriminatedUnion(
  'name',
  [
    z.strictObject({ name: z.literal('trim') }),
    z.strictObject({ name: z.literal('lowercase') }),
    z.strictObject({ name: z.literal('uppercase') }),
    z.strictObject({
      name: z.literal('split_full_name'),
      part: z
        .enum(['first', 'last'])
        .describe('Which part of "First Middle Last" (the last word is the last name)'),
    }),
    z.strictObject({
      name: z.literal('normalize_phone'),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code like US or GB')
        .describe('Country of numbers written without +code'),
      invalid: z
        .enum(['keep', 'empty'])
        .default('keep')
        .describe('A number that is not valid: keep as is or drop'),
    }),
    z.strictObject({
      name: z.literal('map_values'),
      map: z.record(z.string(), scalar.nullable()).describe('old value → new value (null: empty)'),
      default: scalar
        .nullable()
        .optional()
        .describe('For values not in the map; absent keeps them as they are'),
      ignoreCase: z.boolean().default(true),
    }),
    z.strictObject({
      name: z.literal('parse_date'),
      format: z
        .string()
        .min(1)
        .describe(
          "Tokens YYYY MM M DD D HH H mm ss (e.g. 'DD/MM/YYYY', 'YYYY-MM-DD HH:mm:ss'), or unix, unix_ms, iso",
        ),
      output: z
        .enum(['date', 'timestamp'])
        .optional()
        .describe('Default: timestamp when the format has a time'),
      utcOffset: z
        .string()
        .regex(/^[+-]\d{2}:\d{2}$/, 'must be an offset like +02:00')
        .default('+00:00')
        .describe('Offset of the source times (they carry none)'),
    }),
    z.strictObject({ name: z.literal('join'), separator: z.string().default(' ') }),
    z.strictObject({ name: z.literal('constant'), value: scalar.nullable() }),
    z.strictObject({ name: z.literal('default'), value: scalar }),
  ],
  { error: () => `is not a transform; use one of ${TRANSFORM_NAMES.join(', ')}` },
);
export type TransformSpec = z.infer<typeof transformSpec>;

/** The short forms people write in YAML: `trim`, `{normalize_phone: US}`, `{join: ', '}`, `{map_values: {...}}`. */
function expandTransform(v: unknown): unknown {
  if (typeof v === 'string') return { name: v };
  if (!v || typeof v !== 'object' || Array.isArray(v) || 'name' in v) return v;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length !== 1) return v;
  const [name, arg] = entries[0]!;
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    // map_values: either {map: {...}, default} or the map itself.
    if (name === 'map_values' && !('map' in arg)) return { name, map: arg };
    return { name, ...arg };
  }
  const key: Record<string, string> = {
    split_full_name: 'part',
    normalize_phone: 'country',
    parse_date: 'format',
    join: 'separator',
    constant: 'value',
    default: 'value',
  };
  return key[name] ? { name, [key[name]]: arg } : { name };
}

const transforms = z.preprocess(
  (v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(expandTransform)),
  z.array(transformSpec),
);

export const columnSpec = z.preprocess(
  // `email: EMAIL` is short for `email: {from: EMAIL}`.
  (v) => (typeof v === 'string' || Array.isArray(v) ? { from: v } : v),
  z
    .strictObject({
      from: z
        .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)])
        .optional()
        .describe('Source column, or columns (joined, see the join transform)'),
      transform: transforms,
    })
    .superRefine((c, ctx) => {
      if (c.from === undefined && c.transform[0]?.name !== 'constant')
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: 'is required (or start with a constant transform)',
        });
    }),
);
export type ColumnSpec = z.infer<typeof columnSpec>;

const envNote = 'may use $' + '{VAR} or $' + '{VAR:-default} from the environment';

export const sourceSpec = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('csv'),
    path: z.string().min(1).describe(`File path, relative to the mapping file; ${envNote}`),
  }),
  z.strictObject({
    type: z.literal('xlsx'),
    path: z.string().min(1).describe('The first worksheet is read'),
  }),
  z.strictObject({
    type: z.literal('postgres'),
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    query: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal('mysql'),
    url: z.string().regex(/^(mysql|mariadb):\/\//, 'must be a mysql:// URL'),
    query: z.string().min(1).optional(),
  }),
]);
export type SourceSpec = z.infer<typeof sourceSpec>;

const TARGET_KEY_RE = /^(contact\.)?custom\.[a-z][a-z0-9_]{0,62}$|^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)?$/;

export const stepSpec = z.strictObject({
  name: z.string().min(1).max(100).optional().describe('Shown in output; default: the entity'),
  entity: z.enum(LEGACY_ENTITIES),
  source: sourceSpec.optional().describe("This step's own source (else the mapping's)"),
  query: z.string().min(1).optional().describe("SQL for this step on the mapping's database source"),
  columns: z
    .record(
      z.string().regex(TARGET_KEY_RE, 'must be a target field key like email, address.city, custom.budget'),
      columnSpec,
    )
    .refine((c) => Object.keys(c).length > 0, 'must map at least one column'),
  mode: z.enum(IMPORT_MODES).default('upsert'),
  matchOn: matchOn.default('externalId'),
  duplicatePolicy: z.enum(DUPLICATE_POLICIES).default('skip'),
});
export type StepSpec = z.infer<typeof stepSpec>;

export const customFieldSpec = z.strictObject({
  entity: z.enum(CUSTOM_FIELD_ENTITIES),
  key: z.string().regex(KEY_RE, 'must be lower snake case'),
  label: z.string().min(1).max(200),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.strictObject({ value: z.string().min(1), label: z.string().min(1) })).optional(),
});
export type CustomFieldSpec = z.infer<typeof customFieldSpec>;

export const mappingSpec = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        'must be lower case letters, digits, - or _ (the imports are tagged legacy:<name>)',
      ),
    description: z.string().optional(),
    source: sourceSpec,
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code')
      .optional(),
    customFields: z
      .array(customFieldSpec)
      .default([])
      .describe(
        'Custom fields the target needs: run creates the missing ones, rollback archives those it created',
      ),
    steps: z.array(stepSpec).min(1, 'needs at least one step').max(20),
  })
  .superRefine((m, ctx) => {
    m.steps.forEach((s, i) => {
      const src = s.source ?? m.source;
      const sql = src.type === 'postgres' || src.type === 'mysql';
      if (sql && !s.query && !src.query)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'query'],
          message: 'is required: the source has no query',
        });
      if (!sql && s.query)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'query'],
          message: `a ${src.type} source takes no query`,
        });
    });
  });
export type MappingSpec = z.infer<typeof mappingSpec>;
