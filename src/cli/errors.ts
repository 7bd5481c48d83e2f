import { InvalidArgumentError } from 'commander';
import { isAppError } from '../core/shared/errors.js';

/** A one-line message for any failure: our own errors by their message, database and system errors by their cause. */
export function errorMessage(e: unknown): string {
  if (isAppError(e)) {
    const fields = e.errors.filter((f) => !e.message.includes(f.reason)).map((f) => `${f.field} ${f.reason}`);
    return fields.length ? `${e.message} (${fields.join('; ')})` : e.message;
  }
  const err = e as { code?: string; message?: string; address?: string; port?: number; cause?: unknown };
  if (err?.code === 'ECONNREFUSED')
    return `cannot connect to the database at ${err.address ?? '?'}:${err.port ?? '?'} (is PostgreSQL running? check DATABASE_URL)`;
  if (err?.code === '3D000' || err?.code === '28P01' || err?.code === '28000')
    return `database: ${err.message}`;
  if (err?.cause && !err.message) return errorMessage(err.cause);
  const msg = err?.message ?? String(e);
  return msg.split('\n')[0]!;
}

/** Commander option parser for whole numbers within bounds. */
export const intOption =
  (name: string, min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min.toLocaleString('en-US')}${max < Number.MAX_SAFE_INTEGER ? ` to ${max.toLocaleString('en-US')}` : ''}.`,
      );
    return n;
  };
