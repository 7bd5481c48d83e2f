import { describe, expect, it } from 'vitest';
import { conditionRows, textOf } from './ConditionRows';

const types = new Map([
  ['dealValue', 'number' as const],
  ['custom.vip', 'boolean' as const],
  ['source', 'text' as const],
]);

describe('builder conditions as rows', () => {
  it('writes the condition language: lists split, numbers and yes/no typed, no value for is_empty', () => {
    const text = textOf(
      'any',
      [
        { field: 'source', op: 'in', value: 'referral, partner' },
        { field: 'dealValue', op: 'between', value: '1000, 5000' },
        { field: 'dealValue', op: 'gte', value: '250.5' },
        { field: 'custom.vip', op: 'eq', value: 'true' },
        { field: 'campaign', op: 'is_empty', value: 'ignored' },
        { field: ' ', op: 'eq', value: 'an unfinished row' },
      ],
      types,
    );
    expect(JSON.parse(text)).toEqual({
      any: [
        { field: 'source', op: 'in', value: ['referral', 'partner'] },
        { field: 'dealValue', op: 'between', value: [1000, 5000] },
        { field: 'dealValue', op: 'gte', value: 250.5 },
        { field: 'custom.vip', op: 'eq', value: true },
        { field: 'campaign', op: 'is_empty' },
      ],
    });
    expect(textOf('all', [], types)).toBe('');
  });

  it('reads back what it wrote, a single condition too; nested groups and bad JSON are not rows', () => {
    const rows = [
      { field: 'source', op: 'nin' as const, value: 'referral, partner' },
      { field: 'dealValue', op: 'lt' as const, value: '10' },
    ];
    expect(conditionRows(textOf('all', rows, types))).toEqual({ match: 'all', rows });
    expect(conditionRows('{"field":"source","op":"eq","value":"web"}')).toEqual({
      match: 'all',
      rows: [{ field: 'source', op: 'eq', value: 'web' }],
    });
    expect(conditionRows('')).toEqual({ match: 'all', rows: [] });
    expect(conditionRows('{"all":[{"any":[{"field":"source","op":"eq","value":"a"}]}]}')).toBeNull();
    expect(conditionRows('{"all":[{"field":"x","op":"changed_to","value":1}]}')).toBeNull();
    expect(conditionRows('{not json')).toBeNull();
  });
});
