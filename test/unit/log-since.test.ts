import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/core/log-since.js';
import { UsageError } from '../../src/core/errors.js';

const now = Date.parse('2025-06-01T12:00:00Z');

describe('parseSince', () => {
  it.each([
    ['30s', '2025-06-01T11:59:30.000Z'],
    ['15m', '2025-06-01T11:45:00.000Z'],
    ['1h', '2025-06-01T11:00:00.000Z'],
    ['1h30m', '2025-06-01T10:30:00.000Z'],
    ['2d', '2025-05-30T12:00:00.000Z'],
    ['1w', '2025-05-25T12:00:00.000Z'],
    ['10M', '2025-06-01T11:50:00.000Z'],
    ['90', '2025-06-01T11:58:30.000Z'],
    ['500ms', '2025-06-01T11:59:59.500Z'],
  ])('counts the duration %j back from now → %s', (text, iso) => {
    expect(new Date(parseSince(text, now)).toISOString()).toBe(iso);
  });
  it('accepts ISO times and dates', () => {
    expect(parseSince('2025-06-01T10:30:00Z', now)).toBe(Date.parse('2025-06-01T10:30:00Z'));
    expect(parseSince('2025-05-31', now)).toBe(Date.parse('2025-05-31'));
    expect(parseSince('2025-06-01T11:00:00+01:00', now)).toBe(Date.parse('2025-06-01T10:00:00Z'));
  });
  it('rejects garbage and the future with a usage error naming the forms', () => {
    expect(() => parseSince('yesterday', now)).toThrow(UsageError);
    expect(() => parseSince('yesterday', now)).toThrow(/not a duration or a time/);
    expect(() => parseSince('1y', now)).toThrow(UsageError);
    expect(() => parseSince('-1h', now)).toThrow(UsageError);
    expect(() => parseSince('2030-01-01', now)).toThrow(/future/);
  });
});
