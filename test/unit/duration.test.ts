import { describe, expect, it } from 'vitest';
import { durationMs, lifecycleFromSettings, MAX_TIMEOUT_MS, parseDuration, parseDurationMs } from '../../src/core/duration.js';

// One grammar for every duration flag: the expected values are written out, not computed.
describe('durationMs: the grammar', () => {
  it.each([
    ['900', 900_000],
    [900, 900_000],
    ['0.5', 500],
    ['500ms', 500],
    ['1500ms', 1_500],
    ['90s', 90_000],
    ['15m', 900_000],
    [' 2M ', 120_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['8h', 28_800_000],
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['1w', 604_800_000],
    ['1m30s250ms', 90_250],
    ['1H', 3_600_000],
  ])('%j → %i ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
  it.each(['', ' ', 'abc', '-5', '0', '0s', '0.0', '15 m', '1h 30m', 'm15', 'h', '1y', '1.5.5s', '.5s', '1hm', 'ms', 0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %j',
    (text) => {
      expect(durationMs(text)).toBeUndefined();
    },
  );
});

describe('parseDurationMs (--timeout of invoke, status, deploy)', () => {
  it.each([
    ['2d', 172_800_000],
    ['60m', 3_600_000],
    ['1800', 1_800_000],
    ['250ms', 250],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDurationMs(text, '--timeout')).toBe(ms);
  });
  it('rejects what is not a duration, naming the flag and the error code', () => {
    expect(() => parseDurationMs('soon', '--timeout')).toThrow(/--timeout must be a duration like 90s, 15m, 1h30m, 2d, or seconds: 900, got "soon"/);
    expect(() => parseDurationMs('soon', '--timeout')).toThrow(expect.objectContaining({ code: 'BAD_DURATION', exitCode: 2 }));
  });
  it('refuses timeouts Node timers cannot hold (they would fire at once)', () => {
    expect(MAX_TIMEOUT_MS).toBe(2_147_483_647);
    expect(parseDurationMs('24d', '--timeout')).toBe(2_073_600_000);
    expect(() => parseDurationMs('25d', '--timeout')).toThrow(/--timeout must be at most 24 days/);
  });
});

describe('parseDuration (whole seconds, for AWS settings)', () => {
  it.each([
    ['900', 900],
    [900, 900],
    ['90s', 90],
    ['15m', 900],
    ['1h30m', 5400],
    ['8h', 28800],
    ['1.5h', 5400],
    ['2000ms', 2],
    ['1d', 86400],
  ])('%j → %i s', (text, seconds) => {
    expect(parseDuration(text, '--x')).toBe(seconds);
  });
  it.each(['', 'abc', '-5', '0', '1.5s', '1500ms', '15 m', 'm15', 0, 1.5])('rejects %j naming the flag', (text) => {
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
