import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colourEnabled, paint } from '../../src/io/colour.js';
import { IoHost } from '../../src/io/host.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colourEnabled: one rule for every coloured output', () => {
  it.each([
    ['a TTY', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['NO_COLOR=1 on a TTY', tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR empty (unset per no-color.org)', tty, { NO_COLOR: '' }, true],
    ['CI on a TTY', tty, { CI: 'true' }, false],
    ['CI=false on a TTY', tty, { CI: 'false' }, true],
    ['TERM=dumb on a TTY', tty, { TERM: 'dumb' }, false],
    ['FORCE_COLOR=1 on a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR empty on a pipe', pipe, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=1 with CI', pipe, { FORCE_COLOR: '1', CI: 'true' }, true],
    ['FORCE_COLOR=1 with NO_COLOR (Node: FORCE_COLOR wins)', tty, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a TTY', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a TTY', tty, { FORCE_COLOR: 'false' }, false],
  ] as const)('%s → %s', (_name, stream, env, expected) => {
    expect(colourEnabled(stream, env as NodeJS.ProcessEnv)).toBe(expected);
  });

  it('paint wraps in SGR codes only when enabled', () => {
    expect(paint('red', 'error', true)).toBe('\u001b[31merror\u001b[39m');
    expect(paint('red', 'error', false)).toBe('error');
  });
});

describe('the output host colours through that rule', () => {
  function host(env: NodeJS.ProcessEnv) {
    const err = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let written = '';
    err.on('data', (chunk) => (written += String(chunk)));
    const io = new IoHost({ stderr: err, stdout: new PassThrough(), stdin: Object.assign(new PassThrough(), { isTTY: true }), env });
    return { io, written: () => written };
  }
  it('a TTY gets coloured warnings and errors', () => {
    const { io, written } = host({});
    io.warn('careful');
    io.error('broken');
    expect(written()).toBe('\u001b[33mwarning\u001b[39m: careful\n\u001b[31merror\u001b[39m: broken\n');
  });
  it('NO_COLOR=1 on a TTY: no escape codes, and spinners still allowed (NO_COLOR is about colour only)', () => {
    const { io, written } = host({ NO_COLOR: '1' });
    io.warn('careful');
    io.error('broken');
    expect(written()).toBe('warning: careful\nerror: broken\n');
    expect(io.fancy).toBe(true);
    expect(io.colour).toBe(false);
  });
});
