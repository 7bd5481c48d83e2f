import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { TargetField } from './imports.schemas.js';

/**
 * A file to fill in for an import: the fields' labels as headers (which the automatic mapping matches
 * with confidence 1) and one example row showing each field's format. CSV is UTF-8 with a BOM (so
 * Excel opens it right); the .xlsx has a bold, frozen header and text-formatted columns (so Excel keeps
 * phone numbers, postcodes and dates as typed).
 */
const BY_KEY: Record<string, string> = {
  id: '',
  externalId: 'CRM-10042',
  contactExternalId: 'C-20017',
  firstName: 'Maya',
  lastName: 'Patel',
  fullName: 'Maya Patel',
  email: 'maya.patel@example.com',
  email2: 'maya@patelhomes.example',
  phone: '415 555 2671',
  phone2: '415 555 0100',
  company: 'Patel Homes',
  jobTitle: 'Owner',
  title: 'Roof replacement',
  productInterest: 'Roofing',
  source: 'website',
  campaign: 'spring-2025',
  medium: 'cpc',
  term: 'roof repair',
  referrer: 'https://www.google.com/',
  landingPage: 'https://patelhomes.example/roofing',
  formName: 'Quote request',
  pipeline: 'Sales',
  stage: 'New',
  owner: 'rep@example.com',
  user: 'rep@example.com',
  budgetRange: '10k-25k',
  authorityLevel: 'Decision maker',
  timeline: '3 months',
  lostReason: '',
  department: 'Operations',
  role: 'Decision maker',
  preferredChannel: 'email',
  account: 'Patel Homes',
  name: 'Patel Homes',
  domain: 'patelhomes.example',
  website: 'https://patelhomes.example',
  industry: 'Construction',
  companySize: '11-50',
  taxId: 'US12-3456789',
  lifecycleStage: 'customer',
  description: 'Family-run home builder',
  contactEmail: 'maya.patel@example.com',
  currency: 'USD',
  lead: 'CRM-10042',
  subject: 'Discovery call',
  body: 'Discussed the roof; sending a quote.',
  outcome: 'Interested',
  'address.street1': '12 Harbor Way',
  'address.street2': 'Suite 4',
  'address.city': 'San Francisco',
  'address.state': 'CA',
  'address.postcode': '94105',
  'address.country': 'US',
};

const BY_TYPE: Record<string, string> = {
  email: 'name@example.com',
  phone: '415 555 2671',
  number: '42',
  money: '12500.00',
  date: '2025-06-30',
  timestamp: '2025-03-14T09:30:00Z',
  boolean: 'true',
  url: 'https://example.com',
  uuid: '',
  ref: '',
  text: 'Example',
};

/** A plausible value for the field: its own example, else one of its type (an option's first choice). */
export function exampleValue(f: TargetField): string {
  if (f.group !== 'custom' && f.group !== 'contact_custom' && f.key in BY_KEY) return BY_KEY[f.key]!;
  if (f.options?.length)
    return f.type === 'multiselect' ? f.options.slice(0, 2).join('; ') : (f.options[0] ?? '');
  return BY_TYPE[f.type] ?? '';
}

export async function templateFile(fields: TargetField[], format: 'csv' | 'xlsx'): Promise<Buffer> {
  const headers = fields.map((f) => f.label);
  const example = fields.map(exampleValue);
  if (format === 'csv')
    return Buffer.from(`\ufeff${Papa.unparse([headers, example], { newline: '\r\n' })}\r\n`);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Import', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = fields.map((f, i) => ({
    header: f.label,
    key: f.key,
    width: Math.min(60, Math.max(12, f.label.length + 2, example[i]!.length + 2)),
    style: { numFmt: '@' },
  }));
  ws.getRow(1).font = { bold: true };
  ws.addRow(example);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
