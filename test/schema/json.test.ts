/** JSON Twilio keeps as text is served parsed; text that is not JSON is served as it is. */
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/schema/shared/json.ts';

describe('parseJsonText', () => {
  it('parses JSON text of any kind', () => {
    expect(parseJsonText('{"body":"hello","tags":[1,2]}')).toEqual({ body: 'hello', tags: [1, 2] });
    expect(parseJsonText('{}')).toEqual({});
    expect(parseJsonText('{}')).toBe(parseJsonText('{}'));
    expect(parseJsonText('[]')).toEqual([]);
    expect(parseJsonText('42')).toBe(42);
    expect(parseJsonText('null')).toBeNull();
  });

  it('serves text that is not JSON as it is, and nothing as null', () => {
    expect(parseJsonText('not json')).toBe('not json');
    expect(parseJsonText('')).toBe('');
    expect(parseJsonText(null)).toBeNull();
    expect(parseJsonText(undefined)).toBeNull();
  });
});
