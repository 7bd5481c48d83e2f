import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Document, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { AppError, type FieldError } from '../shared/errors.js';
import { type MappingSpec, mappingSpec } from './mapping.schemas.js';

export type LoadedMapping = MappingSpec & { file: string; dir: string };

const where = (doc: Document, lines: LineCounter, path: PropertyKey[]): string => {
  // The deepest node that exists on the path (a missing key points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
      | { range?: [number, number] }
      | undefined;
    if (node?.range) {
      const p = lines.linePos(node.range[0]);
      return `line ${p.line}`;
    }
  }
  return 'line 1';
};

const fieldName = (path: PropertyKey[]): string =>
  path.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    '',
  ) || '(root)';

/** Replaces ${VAR} and ${VAR:-default} in every string of the document from `env`. */
function interpolate(doc: Document, lines: LineCounter, env: NodeJS.ProcessEnv, errors: FieldError[]): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
        (_m, name: string, dflt) => {
          const v = env[name];
          if (v !== undefined && v !== '') return v;
          if (dflt !== undefined) return dflt;
          const keys = path.filter(isPair).map((p) => String(isScalar(p.key) ? p.key.value : p.key));
          const at = node.range ? `line ${lines.linePos(node.range[0]).line}` : 'line ?';
          errors.push({
            field: keys.join('.') || '(value)',
            reason: `${at}: environment variable ${name} is not set`,
          });
          return '';
        },
      );
    },
  });
}

/**
 * Parses and checks a mapping file's text. Every problem is reported with its line and field path
 * (AppError `validation_failed`, one entry per problem).
 */
export function parseMapping(text: string, env: NodeJS.ProcessEnv = process.env): MappingSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length)
    throw new AppError(
      'validation_failed',
      'The mapping file is not valid YAML',
      doc.errors.map((e) => ({
        field: '(yaml)',
        reason: `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`,
      })),
    );
  const errors: FieldError[] = [];
  interpolate(doc, lines, env, errors);
  if (errors.length) throw new AppError('validation_failed', 'The mapping file uses unset variables', errors);
  const parsed = mappingSpec.safeParse(doc.toJS());
  if (!parsed.success)
    throw new AppError(
      'validation_failed',
      'The mapping file is not valid',
      parsed.error.issues.map((i) => ({
        field: fieldName(i.path),
        reason: `${where(doc, lines, i.path)}: ${i.message}`,
      })),
    );
  return parsed.data;
}

/** Reads a mapping file; file sources are resolved relative to the mapping file's folder. */
export async function loadMapping(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw AppError.invalid('--mapping', `cannot read ${file}: ${(e as Error).message}`);
  }
  const m = parseMapping(text, env);
  const dir = dirname(resolve(file));
  const fix = <T extends { type: string; path?: string }>(s: T): T =>
    s.path && !isAbsolute(s.path) ? { ...s, path: resolve(dir, s.path) } : s;
  return {
    ...m,
    source: fix(m.source),
    steps: m.steps.map((s) => (s.source ? { ...s, source: fix(s.source) } : s)),
    file: resolve(file),
    dir,
  };
}
