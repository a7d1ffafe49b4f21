import { describe, expect, it } from 'vitest';
import { parseLookback, parseSince } from '../../src/core/log-since.js';
import { UsageError } from '../../src/core/errors.js';

const now = Date.parse('2025-06-01T12:00:00Z');

describe('parseLookback', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['10M', 600_000],
  ])('%s → %d ms', (text, ms) => expect(parseLookback(text)).toBe(ms));
  it.each(['', '1', 'h', '1.5h', '-1h', '1y', '1h30m'])('%j is not a duration', (text) => expect(parseLookback(text)).toBeUndefined());
});

describe('parseSince', () => {
  it('counts durations back from now', () => {
    expect(parseSince('1h', now)).toBe(now - 3_600_000);
  });
  it('accepts ISO times and dates', () => {
    expect(parseSince('2025-06-01T10:30:00Z', now)).toBe(Date.parse('2025-06-01T10:30:00Z'));
    expect(parseSince('2025-05-31', now)).toBe(Date.parse('2025-05-31'));
    expect(parseSince('2025-06-01T11:00:00+01:00', now)).toBe(Date.parse('2025-06-01T10:00:00Z'));
  });
  it('rejects garbage and the future with a usage error naming the forms', () => {
    expect(() => parseSince('yesterday', now)).toThrow(UsageError);
    expect(() => parseSince('yesterday', now)).toThrow(/not a duration or a time/);
    expect(() => parseSince('12', now)).toThrow(UsageError);
    expect(() => parseSince('2030-01-01', now)).toThrow(/future/);
  });
});
