import { describe, expect, it } from 'vitest';
import type { FieldType } from '../api/generated';
import { fieldRows, formatFieldType, parseFieldType, rowsToFields } from './fields';

describe('field types', () => {
  it('read what they print, as the backend spells them', () => {
    const types: FieldType[] = ['String', 'Int', 'Decimal', 'Bool', 'Timestamp', 'Id', 'Map', { List: 'Id' }, { Optional: { List: 'Decimal' } }];
    for (const type of types) expect(parseFieldType(formatFieldType(type))).toEqual(type);
    expect(formatFieldType({ Optional: { List: 'Decimal' } })).toBe('optional<list<decimal>>');
  });

  it('accept the aliases and the `?` shorthand people type', () => {
    expect(parseFieldType('Money')).toBe('Decimal');
    expect(parseFieldType(' text ')).toBe('String');
    expect(parseFieldType('string?')).toEqual({ Optional: 'String' });
    expect(parseFieldType('List<ID>')).toEqual({ List: 'Id' });
  });

  it('refuse a name that is no type', () => {
    expect(parseFieldType('float')).toBeNull();
    expect(parseFieldType('list<float>')).toBeNull();
  });
});

describe('the fields editor rows', () => {
  it('turn into fields, an empty type meaning string and empty rows skipped', () => {
    expect(rowsToFields([{ name: 'account_id', type: 'id' }, { name: '', type: '' }, { name: 'note', type: '' }])).toEqual({
      fields: [
        { name: 'account_id', type: 'Id' },
        { name: 'note', type: 'String' },
      ],
    });
  });

  it('name the first problem', () => {
    expect(rowsToFields([{ name: 'amount', type: 'float' }])).toEqual({
      error: 'amount: unknown type `float`; expected string, int, decimal, bool, timestamp, id, map, list<T> or optional<T>',
    });
    expect(rowsToFields([{ name: ' ', type: 'int' }])).toEqual({ error: 'row 1: the field needs a name' });
  });

  it('start from the element’s fields', () => {
    expect(fieldRows([{ name: 'amount', type: 'Decimal' }])).toEqual([{ name: 'amount', type: 'decimal' }]);
    expect(fieldRows(undefined)).toEqual([]);
  });
});
