import { sql } from 'drizzle-orm';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { encodeCursor, type ListSpec, listConditions, listQuerySchema } from './list-query.js';

const t = pgTable('t', { id: uuid().notNull(), status: text(), name: text() });
const spec: ListSpec = {
  idExpr: t.id,
  defaultSort: '-createdAt',
  sorts: {
    createdAt: { expr: sql`created_at`, type: 'date' },
    name: { expr: sql`lower(${t.name})`, type: 'text' },
  },
  filters: {
    status: { kind: 'enum', expr: t.status, values: ['new', 'won'] },
    score: { kind: 'number', expr: sql`score` },
  },
  search: (q) => sql`name ilike ${q}`,
};

describe('list query schema', () => {
  const schema = listQuerySchema(spec);

  it('applies defaults and splits comma-separated filters', () => {
    expect(schema.parse({ status: 'new,won' })).toMatchObject({
      limit: 50,
      sort: '-createdAt',
      status: ['new', 'won'],
    });
  });

  it('refuses a limit over 200, an unknown sort, an unknown parameter and an unknown enum value', () => {
    expect(schema.safeParse({ limit: '201' }).success).toBe(false);
    expect(schema.safeParse({ sort: 'password' }).success).toBe(false);
    expect(schema.safeParse({ drop: 'table' }).success).toBe(false);
    expect(schema.safeParse({ status: 'new,lost' }).success).toBe(false);
    expect(schema.parse({ scoreMin: '10' })).toMatchObject({ scoreMin: 10 });
  });

  it('refuses a cursor made for another sort', () => {
    const cursor = encodeCursor({ s: 'name', v: 'a', id: '00000000-0000-7000-8000-000000000000' });
    expect(() => listConditions(spec, { limit: 10, sort: '-createdAt', deleted: 'exclude', cursor })).toThrow(
      /cursor/,
    );
    expect(() =>
      listConditions(spec, { limit: 10, sort: 'name', deleted: 'exclude', cursor: 'garbage' }),
    ).toThrow(/cursor/);
    expect(listConditions(spec, { limit: 10, sort: 'name', deleted: 'exclude', cursor })).toHaveLength(1);
  });
});
