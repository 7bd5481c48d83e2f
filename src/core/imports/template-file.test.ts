import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { suggestMapping } from './column-mapping.js';
import { readTable } from './file-reader.js';
import { staticFields } from './import-fields.js';
import { IMPORT_ENTITIES, type ImportEntity, type TargetField } from './imports.schemas.js';
import { templateFile } from './template-file.js';

const CUSTOM: Partial<Record<ImportEntity, TargetField[]>> = {
  leads: [
    {
      key: 'custom.roof_type',
      label: 'Roof type',
      type: 'select',
      group: 'custom',
      required: false,
      options: ['tile', 'metal'],
    },
    { key: 'custom.budget_eur', label: 'Budget (EUR)', type: 'money', group: 'custom', required: false },
    {
      key: 'contact.custom.birthday',
      label: 'Contact: Birthday',
      type: 'date',
      group: 'contact_custom',
      required: false,
    },
    {
      key: 'contact.custom.hobbies',
      label: 'Contact: Hobbies',
      type: 'multiselect',
      group: 'contact_custom',
      required: false,
      options: ['golf', 'chess', 'sailing'],
    },
  ],
  accounts: [
    { key: 'custom.erp_number', label: 'ERP number', type: 'text', group: 'custom', required: true },
  ],
};

async function readBack(buf: Buffer, fileName: string) {
  const t = await readTable(Readable.from([buf]), { fileName });
  const rows: (string | null)[][] = [];
  for await (const b of t.batches) rows.push(...b);
  return { ...t, rows };
}

describe('templateFile', () => {
  for (const format of ['csv', 'xlsx'] as const)
    it(`${format}: the labels and an example row, which read back map every column to its field with confidence 1`, async () => {
      for (const entity of IMPORT_ENTITIES) {
        const fields = [...staticFields(entity), ...(CUSTOM[entity] ?? [])];
        const t = await readBack(await templateFile(fields, format), `template.${format}`);
        expect(t.headers).toEqual(fields.map((f) => f.label));
        expect(t.rows).toHaveLength(1);
        const s = suggestMapping(t.headers, fields, t.rows);
        expect(
          s.map((x) => x.field),
          entity,
        ).toEqual(fields.map((f) => f.key));
        expect(
          s.every((x) => x.confidence === 1),
          entity,
        ).toBe(true);
        const example = Object.fromEntries(t.headers.map((h, i) => [h, t.rows[0]![i]]));
        if (entity === 'leads')
          expect(example).toMatchObject({
            'Leadbase ID': null,
            Email: 'maya.patel@example.com',
            Phone: '415 555 2671',
            Status: 'new',
            'Expected close date': '2025-06-30',
            'Deal value': '12500.00',
            'Roof type': 'tile',
            'Contact: Birthday': '2025-06-30',
            'Contact: Hobbies': 'golf; chess',
            Postcode: '94105',
          });
      }
    });

  it('csv is UTF-8 with a BOM and CRLF; xlsx has a bold, frozen header and text columns', async () => {
    const fields = staticFields('contacts');
    const csv = await templateFile(fields, 'csv');
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8').split('\r\n')[0]).toBe(`\ufeff${fields.map((f) => f.label).join(',')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await templateFile(fields, 'xlsx')) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.getRow(2).getCell(fields.findIndex((f) => f.key === 'phone') + 1)).toMatchObject({
      value: '415 555 2671',
      numFmt: '@',
    });
  });
});
