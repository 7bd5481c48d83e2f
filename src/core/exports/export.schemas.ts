import { z } from 'zod';
import { CUSTOM_PARAM_RE, type ListSpec, listQuerySchema } from '../shared/list-query.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const format = z
  .enum(EXPORT_FORMATS)
  .default('csv')
  .describe('csv (UTF-8 with BOM, RFC 4180) or xlsx (Excel)');
const columns = z
  .string()
  .max(10_000)
  .transform((s) => s.split(',').map((v) => v.trim()))
  .pipe(z.array(z.string().min(1, 'names an empty column')).min(1))
  .describe(
    'Column keys in order, comma-separated (GET …/export/columns lists them; custom fields as custom.<key>). Default: the useful fields and every custom field, Leadbase ID first',
  );

/**
 * The querystring of `GET /<resource>/export`: the list's own filters, search and sort (limit and
 * cursor excepted: the export pages through the whole list), plus `format` and `columns`.
 */
export function exportQuerySchema(spec: ListSpec) {
  const list = listQuerySchema(spec) as unknown as z.ZodObject<Record<string, z.ZodType>>;
  const { limit: _limit, cursor: _cursor, ...shape } = list.shape;
  const full = { ...shape, format, columns: columns.optional() };
  if (!spec.custom) return z.strictObject(full);
  return z
    .object(full)
    .catchall(
      z
        .string()
        .max(2000)
        .describe('Custom field filter `custom.<key>[op]=value`, as on the list (alias `cf.`)'),
    )
    .superRefine((v, ctx) => {
      const keys = Object.keys(v).filter((k) => !(k in full) && !CUSTOM_PARAM_RE.test(k));
      if (keys.length)
        ctx.addIssue({ code: 'unrecognized_keys', keys, path: [], message: 'Unknown parameters' });
    });
}

export const exportJobBody = z.strictObject({
  format,
  columns: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(1000)
    .optional()
    .describe('Column keys in order; the default set when absent'),
  filters: z
    .record(z.string().max(200), z.string().max(2000))
    .default({})
    .describe(
      'The list filters, search and sort as query parameters would give them, e.g. {"status": "new,contacted", "q": "patel"}',
    ),
});
export type ExportJobBody = z.infer<typeof exportJobBody>;

export const exportColumnOut = z.object({
  key: z.string().describe('What `columns=` names'),
  label: z.string().describe('Header text: the import field label, so a re-import maps it back'),
  default: z.boolean().describe('In the default set'),
});
