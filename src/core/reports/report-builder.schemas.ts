import { z } from 'zod';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

/** What the report builder reports on: the list resources a drill can open. */
export const BUILDER_ENTITIES = ['leads', 'contacts', 'deals', 'activities', 'tasks'] as const;
export type BuilderEntity = (typeof BUILDER_ENTITIES)[number];
export const DATE_BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DateBucket = (typeof DATE_BUCKETS)[number];
export const MEASURE_OPS = ['count', 'sum', 'avg', 'median', 'min', 'max'] as const;
export type MeasureOp = (typeof MEASURE_OPS)[number];
export const MAX_GROUPS = 1000;

/** `keys` / `-keys`: by the group values; `values.N` / `-values.N`: by the N-th measure. */
export const BUILDER_SORT_RE = /^-?(keys|values\.[0-4])$/;

/**
 * The report filters (SPEC 7) in a JSON body: the same meaning as the standard reports' query
 * parameters; owners and sources as a comma-separated string or a list.
 */
export const builderFilters = z
  .strictObject({
    from: reportFilterShape.from,
    to: reportFilterShape.to,
    pipelineId: reportFilterShape.pipelineId,
    teamId: reportFilterShape.teamId,
    ownerId: z
      .union([
        reportFilterShape.ownerId.unwrap(),
        z
          .array(z.union([z.uuid('must be a UUID or none'), z.literal('none')]))
          .min(1)
          .max(200),
      ])
      .optional()
      .describe('Only these owners (users; `none` is unassigned)'),
    source: z
      .union([reportFilterShape.source.unwrap(), z.array(z.string().min(1).max(200)).min(1).max(200)])
      .optional()
      .describe('Only these lead sources (exact values)'),
  })
  .describe(
    'The range applies to createdAt (activities: occurredAt; tasks: dueAt); owner is ownerId (activities: userId; tasks: assigneeId); pipeline and source are the lead’s (deals: their own pipeline and their origin lead’s source; contacts: their own source, no pipeline)',
  );

const groupByItem = z
  .union([
    z.string().min(1).max(300),
    z.object({ field: z.unknown(), bucket: z.unknown().optional(), width: z.unknown().optional() }),
  ])
  .describe(
    '`{field, bucket?, width?}` or the short form `field`, `field:bucket` (`createdAt:month`), `field:width` (`score:10`). field: any condition field of the entity that is text, choice, id, yes/no, number, date or timestamp (`custom.<key>`, `lead.source`, `contact.country`, …); bucket (dates and timestamps, UTC): day, week (from Monday), month, quarter, year — default day; width (numbers): bins [n·width, (n+1)·width)',
  );
const measureItem = z
  .union([z.string().min(1).max(300), z.object({ op: z.unknown(), field: z.unknown().optional() })])
  .describe(
    '`{op: "count"}` or `{op: "sum"|"avg"|"median"|"min"|"max", field}` (a number field, custom number/money included), or the short form `count`, `sum:dealValue`',
  );

export const builderBody = z.strictObject({
  entity: z.enum(BUILDER_ENTITIES).describe('What to report on'),
  conditions: z
    .unknown()
    .optional()
    .describe(
      'A condition in the shared condition language over the entity’s fields (`changed_to` is not allowed)',
    ),
  filters: builderFilters.optional(),
  groupBy: z.array(groupByItem).max(2).default([]).describe('Zero, one or two dimensions'),
  measures: z.array(measureItem).min(1).max(5).default(['count']).describe('One to five measures'),
  sort: z
    .string()
    .regex(BUILDER_SORT_RE, 'must be keys, -keys, values.N or -values.N')
    .optional()
    .describe(
      'keys / -keys (by the group values) or values.N / -values.N (by the N-th measure). Default: keys when the first dimension is a date bucket or number bins, else -values.0',
    ),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_GROUPS)
    .default(100)
    .describe(`Most groups answered (1 to ${MAX_GROUPS}); \`truncated\` says when there were more`),
});
export type BuilderBody = z.input<typeof builderBody>;
export type BuilderInput = z.output<typeof builderBody>;

export const builderQuery = z.strictObject({ format: reportFormat });

const keyValue = z.union([z.string(), z.boolean(), z.null()]);
const measureValue = z.union([z.number(), z.string(), z.null()]);

export const builderColumnOut = z.object({
  key: z.string().describe('`source`, `createdAt:month`, `count`, `sum:dealValue`'),
  label: z.string(),
  kind: z.enum(['group', 'measure']),
  type: z
    .enum(['text', 'choice', 'id', 'boolean', 'number', 'date', 'integer', 'decimal'])
    .describe(
      'Groups: text, choice, id, boolean, number (a decimal string; with a width the bin’s lower bound), date (the bucket’s first day). Measures: integer (a number), decimal (an exact decimal string), number (avg and median)',
    ),
});

export const builderOut = z.object({
  entity: z.enum(BUILDER_ENTITIES),
  columns: z.array(builderColumnOut).describe('The group columns, then the measure columns'),
  rows: z.array(
    z.object({
      keys: z
        .array(keyValue)
        .describe('The group values; null is the (none) group (no value, or empty text)'),
      labels: z.array(z.string()).describe('Display labels of the group values (names of owners, stages, …)'),
      values: z.array(measureValue).describe('The measures, in the order asked'),
      drill: drillOut,
    }),
  ),
  totals: z
    .object({ values: z.array(measureValue), drill: drillOut })
    .describe('The measures over every matching record (not only the groups shown)'),
  truncated: z.boolean().describe('More groups than `limit`: only the first ones are in rows'),
});
export type BuilderOut = z.infer<typeof builderOut>;
export type BuilderColumn = z.infer<typeof builderColumnOut>;
