import { describe, expect, it } from 'vitest';
import { lifecycleFromSettings, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    [900, 900],
    ['90s', 90],
    ['15m', 900],
    ['1h30m', 5400],
    ['8h', 28800],
    [' 2M ', 120],
    ['1.5h', 5400],
  ])('%j → %i s', (text, seconds) => {
    expect(parseDuration(text, '--x')).toBe(seconds);
  });
  it.each(['', 'abc', '10d', '-5', '0', '1.5s', '15 m', 'm15', 0, 1.5])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--idle-timeout')).toThrow(/--idle-timeout/);
  });
});

describe('lifecycleFromSettings', () => {
  it('is undefined when neither is set', () => {
    expect(lifecycleFromSettings()).toBeUndefined();
  });
  it('converts both', () => {
    expect(lifecycleFromSettings('15m', '4h')).toEqual({ idleRuntimeSessionTimeout: 900, maxLifetime: 14400 });
    expect(lifecycleFromSettings(undefined, '2h')).toEqual({ maxLifetime: 7200 });
  });
  it.each([
    ['59', undefined, /--idle-timeout must be between/],
    [undefined, '9h', /--max-lifetime must be between/],
    ['2h', '1h', /must not exceed --max-lifetime/],
    [undefined, '5m', /must not exceed/],
  ])('rejects idle %j / max %j', (idle, max, message) => {
    expect(() => lifecycleFromSettings(idle, max)).toThrow(message);
  });
});
