import { splitFullName as splitName } from '../imports/cell-values.js';
import { normalizePhone } from '../shared/normalize.js';
import type { ColumnSpec, TransformSpec } from './mapping.schemas.js';

/** A value that could not be transformed: the row keeps the original value and the problem is reported. */
export class TransformError extends Error {}

type Value = string | null | (string | null)[];

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

/** "First Middle Last" → first "First Middle", last "Last"; "Last, First" too (the import engine's reading). */
export function splitFullName(full: string | null, part: 'first' | 'last'): string | null {
  if (blank(full)) return null;
  const n = splitName(full!);
  return part === 'first' ? n.firstName : n.lastName;
}

const TOKENS: Record<string, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
  MM: '(\\d{1,2})',
  M: '(\\d{1,2})',
  DD: '(\\d{1,2})',
  D: '(\\d{1,2})',
  HH: '(\\d{1,2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,6})',
};
const TOKEN_RE = /YYYY|SSS|YY|MM|DD|HH|mm|ss|M|D|H/g;
const compiled = new Map<string, { re: RegExp; fields: string[]; hasTime: boolean }>();

function compileFormat(format: string) {
  let hit = compiled.get(format);
  if (hit) return hit;
  const fields: string[] = [];
  let re = '';
  let last = 0;
  for (const m of format.matchAll(TOKEN_RE)) {
    re += format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re += TOKENS[m[0]]!;
    fields.push(m[0]);
    last = m.index! + m[0].length;
  }
  re += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  hit = { re: new RegExp(`^\\s*${re}\\s*$`), fields, hasTime: fields.some((f) => f.startsWith('H')) };
  compiled.set(format, hit);
  return hit;
}

const offsetMs = (o: string): number => {
  const sign = o.startsWith('-') ? -1 : 1;
  return sign * (Number(o.slice(1, 3)) * 60 + Number(o.slice(4, 6))) * 60_000;
};

/** Parses a date or time written in `format`; returns `YYYY-MM-DD` or an ISO timestamp (UTC). */
export function parseDate(
  raw: string | null,
  format: string,
  output?: 'date' | 'timestamp',
  utcOffset = '+00:00',
): string | null {
  if (blank(raw)) return null;
  const s = raw!.trim();
  let ms: number;
  let hasTime = true;
  if (format === 'unix' || format === 'unix_ms') {
    if (!/^-?\d+(\.\d+)?$/.test(s)) throw new TransformError(`"${s}" is not a ${format} time`);
    ms = Number(s) * (format === 'unix' ? 1000 : 1);
    if (format === 'unix' && Number(s) === 0) return null;
  } else if (format === 'iso') {
    ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(' ', 'T'));
    hasTime = !/^\d{4}-\d{2}-\d{2}$/.test(s);
    if (Number.isNaN(ms)) throw new TransformError(`"${s}" is not an ISO date`);
  } else {
    const f = compileFormat(format);
    hasTime = f.hasTime;
    const m = f.re.exec(s);
    if (!m) throw new TransformError(`"${s}" does not match ${format}`);
    const p: Record<string, number> = { Y: 1970, M: 1, D: 1, H: 0, m: 0, s: 0, S: 0 };
    f.fields.forEach((tok, i) => {
      const v = m[i + 1]!;
      if (tok === 'YY') p.Y = Number(v) + (Number(v) < 70 ? 2000 : 1900);
      else if (tok === 'SSS') p.S = Number(v.padEnd(3, '0').slice(0, 3));
      else p[tok[0]!] = Number(v);
    });
    // MySQL's zero date means "no date".
    if (p.Y === 0 && p.M === 0 && p.D === 0) return null;
    const local = Date.UTC(p.Y!, p.M! - 1, p.D!, p.H!, p.m!, p.s!, p.S!);
    const d = new Date(local);
    if (
      d.getUTCFullYear() !== p.Y ||
      d.getUTCMonth() !== p.M! - 1 ||
      d.getUTCDate() !== p.D ||
      p.H! > 23 ||
      p.m! > 59 ||
      p.s! > 59
    )
      throw new TransformError(`"${s}" is not a real date (${format})`);
    ms = local - (hasTime ? offsetMs(utcOffset) : 0);
  }
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new TransformError(`"${s}" is out of range`);
  const asDate = output ? output === 'date' : !hasTime;
  return asDate ? d.toISOString().slice(0, 10) : d.toISOString();
}

const joinValues = (v: (string | null)[], sep: string): string | null => {
  const parts = v.map((x) => x?.trim() ?? '').filter((x) => x !== '');
  return parts.length ? parts.join(sep) : null;
};

/** Applies one transform. Arrays (several `from` columns) must be joined first; anything else joins them with a space. */
export function applyTransform(t: TransformSpec, input: Value): Value {
  if (t.name === 'constant') return t.value;
  if (Array.isArray(input)) {
    if (t.name === 'join') return joinValues(input, t.separator);
    input = joinValues(input, ' ');
  }
  const v = input;
  switch (t.name) {
    case 'join':
      return v;
    case 'trim': {
      const s = v?.trim();
      return s ? s : null;
    }
    case 'lowercase':
      return v === null ? null : v.toLowerCase();
    case 'uppercase':
      return v === null ? null : v.toUpperCase();
    case 'default':
      return blank(v) ? t.value : v;
    case 'split_full_name':
      return splitFullName(v, t.part);
    case 'normalize_phone': {
      if (blank(v)) return null;
      const e164 = normalizePhone(v!, t.country);
      if (e164) return e164;
      if (t.invalid === 'empty') return null;
      throw new TransformError(`"${v}" is not a valid phone number for ${t.country}`);
    }
    case 'map_values': {
      const key = t.ignoreCase ? (v ?? '').trim().toLowerCase() : (v ?? '');
      const map = t.ignoreCase
        ? Object.fromEntries(Object.entries(t.map).map(([k, x]) => [k.trim().toLowerCase(), x]))
        : t.map;
      if (Object.hasOwn(map, key)) return map[key]!;
      if (v === null) return null;
      return t.default !== undefined ? t.default : v;
    }
    case 'parse_date':
      return parseDate(v, t.format, t.output, t.utcOffset);
  }
}

export type ColumnProblem = { field: string; reason: string };

/**
 * Compiles a step's columns into a row function: source row (column → text) → target cells, in the
 * order of `targets`. A value a transform cannot handle keeps its source value (the engine's own checks
 * then judge it) and the problem is returned with the row.
 */
export function compileColumns(columns: Record<string, ColumnSpec>) {
  const targets = Object.keys(columns);
  const specs = targets.map((k) => columns[k]!);
  const sourceColumns = [...new Set(specs.flatMap((c) => (c.from === undefined ? [] : [c.from].flat())))];
  const apply = (
    row: Record<string, string | null>,
  ): { cells: (string | null)[]; problems: ColumnProblem[] } => {
    const problems: ColumnProblem[] = [];
    const cells = specs.map((c, i) => {
      let v: Value =
        c.from === undefined
          ? null
          : Array.isArray(c.from)
            ? c.from.map((f) => row[f] ?? null)
            : (row[c.from] ?? null);
      for (const t of c.transform) {
        try {
          v = applyTransform(t, v);
        } catch (e) {
          if (!(e instanceof TransformError)) throw e;
          problems.push({ field: targets[i]!, reason: `${t.name}: ${e.message}` });
          break;
        }
      }
      if (Array.isArray(v)) v = joinValues(v, ' ');
      return v === '' ? null : v;
    });
    return { cells, problems };
  };
  return { targets, sourceColumns, apply };
}
