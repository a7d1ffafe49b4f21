/**
 * The one output host of the CLI (after aws-cdk-cli's CliIoHost and vercel's output).
 *
 * - Data (results, `--json` documents) goes to **stdout**; everything else (progress, info,
 *   warnings, errors) goes to **stderr**, so `agentcore-claude info --json | jq` always works.
 * - Spinners only when stderr is a TTY and `CI` is not set; otherwise plain lines. Colour follows
 *   `src/io/colour.ts` (TTY, `CI`, `NO_COLOR`, `FORCE_COLOR`).
 * - With `json: true`, human-oriented messages at level `info` are silenced; warnings and errors
 *   still go to stderr.
 */
import type { Ora } from 'ora';
import { colourEnabled, isCi, paint } from './colour.js';

export { isCi } from './colour.js';

/** ora is loaded on the first spinner only (startup time: ~50 ms saved when there is no TTY). */
let oraModule: Promise<typeof import('ora')> | undefined;
function loadOra(): Promise<typeof import('ora')> {
  oraModule ??= import('ora');
  return oraModule;
}

export interface IoHostOptions {
  /** `--json`: stdout carries exactly one JSON document; info messages are silenced. */
  json?: boolean;
  /** `--quiet`: silence info messages too (warnings and errors still print). */
  quiet?: boolean;
  /** Streams, injectable for tests. Default: process.stdout / process.stderr / process.stdin. */
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment to read `CI`, `NO_COLOR`, `FORCE_COLOR`, `TERM` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A running progress indicator: an ora spinner on a TTY, plain stderr lines otherwise. */
export interface Progress {
  /** Change the text (TTY: the spinner text; plain: printed as a new line only if changed). */
  update(text: string): void;
  /** Print a line above the spinner without stopping it. */
  log(line: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export class IoHost {
  readonly json: boolean;
  readonly quiet: boolean;
  /** True when spinners may be used: stderr is a TTY and `CI` is not set. */
  readonly fancy: boolean;
  /** True when stderr gets colour (`src/io/colour.ts`). */
  readonly colour: boolean;
  /** True when the user can be asked questions: stdin and stderr are TTYs and `CI` is not set. */
  readonly interactive: boolean;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream & { isTTY?: boolean };

  constructor(options: IoHostOptions = {}) {
    const env = options.env ?? process.env;
    this.out = options.stdout ?? process.stdout;
    this.err = options.stderr ?? process.stderr;
    const stdin = options.stdin ?? process.stdin;
    const ci = isCi(env);
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    // A TTY reporting 0 columns (e.g. `script` without a size) makes ora clear ever more lines per frame.
    this.fancy = Boolean(this.err.isTTY) && !ci && (this.err as { columns?: number }).columns !== 0;
    this.interactive = Boolean(stdin.isTTY) && Boolean(this.err.isTTY) && !ci;
    this.colour = colourEnabled(this.err, env);
  }

  /** Write data to stdout (a line is added). */
  data(text: string): void {
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * Write one JSON document to stdout: the `--json` contract. Keys are snake_case in every
   * document (the agent protocol's casing): camelCase keys are converted here, see {@link snakeCaseKeys}.
   */
  result(value: unknown): void {
    this.out.write(`${JSON.stringify(snakeCaseKeys(value), null, 2)}\n`);
  }

  /** A progress/info line on stderr; silenced by `--json` and `--quiet`. */
  info(message: string): void {
    if (this.json || this.quiet) return;
    this.err.write(`${message}\n`);
  }

  /** A warning on stderr (never silenced). */
  warn(message: string): void {
    this.err.write(`${paint('yellow', 'warning', this.colour)}: ${message}\n`);
  }

  /** An error on stderr (never silenced). */
  error(message: string): void {
    this.err.write(`${paint('red', 'error', this.colour)}: ${message}\n`);
  }

  /** Start a progress indicator. Silent with `--json`/`--quiet` except for `fail`. */
  progress(text: string): Progress {
    const silent = this.json || this.quiet;
    if (this.fancy && !silent) return new SpinnerProgress(text, this.err, this.colour);
    return new PlainProgress(text, silent ? null : this.err, this.err);
  }
}

/**
 * A deep copy of `value` whose camelCase keys (`stackName`, `objectVersionsDeleted`) are
 * snake_case (`stack_name`, `object_versions_deleted`). Other keys are data and stay as they
 * are: AWS names (`OutputBucketName`, stack outputs and parameters), paths, ids, model names.
 */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key, snakeCaseKeys(v)]),
  );
}

/** An ora spinner, started as soon as ora is loaded; calls before that are applied in order. */
class SpinnerProgress implements Progress {
  private spinner?: Ora;
  private ended = false;
  private readonly started = Date.now();
  private readonly clock: NodeJS.Timeout;
  constructor(
    private text: string,
    private readonly stream: NodeJS.WritableStream,
    private readonly colour: boolean,
  ) {
    // The elapsed time, refreshed every second: waits for AWS or the agent can take minutes.
    this.clock = setInterval(() => this.render(), 1000);
    this.clock.unref();
    void loadOra().then(({ default: ora }) => {
      // discardStdin: false — ora would put the terminal in raw mode, where Ctrl-C is a keystroke
      // instead of SIGINT; the commands handle SIGINT themselves (exit 130, say what still runs).
      if (!this.ended) this.spinner = ora({ text: this.decorated(), stream: this.stream, discardStdin: false, color: colour ? 'cyan' : false }).start();
    });
  }
  private decorated(): string {
    return `${this.text} ${formatElapsed(Date.now() - this.started)}`;
  }
  private render(): void {
    if (this.spinner) this.spinner.text = this.decorated();
  }
  update(text: string): void {
    this.text = text;
    this.render();
  }
  log(line: string): void {
    this.spinner?.clear();
    this.stream.write(`${line}\n`);
    this.spinner?.render();
  }
  succeed(text?: string): void {
    this.ended = true;
    clearInterval(this.clock);
    // Our own symbols: ora's come from log-symbols, whose colour ignores CI and a forced setting.
    const symbol = paint('green', '\u2714', this.colour);
    if (this.spinner) this.spinner.stopAndPersist({ symbol, text });
    else this.stream.write(`${symbol} ${text ?? this.text}\n`);
  }
  fail(text?: string): void {
    this.ended = true;
    clearInterval(this.clock);
    const symbol = paint('red', '\u2716', this.colour);
    if (this.spinner) this.spinner.stopAndPersist({ symbol, text });
    else this.stream.write(`${symbol} ${text ?? this.text}\n`);
  }
  stop(): void {
    this.ended = true;
    clearInterval(this.clock);
    this.spinner?.stop();
  }
}

/** Elapsed time as shown beside a spinner: `(4s)`, `(2m 05s)`, `(1h 02m)`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `(${s}s)`;
  if (s < 3600) return `(${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s)`;
  return `(${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m)`;
}

class PlainProgress implements Progress {
  private last: string;
  constructor(
    text: string,
    private readonly stream: NodeJS.WritableStream | null,
    private readonly failStream: NodeJS.WritableStream,
  ) {
    this.last = text;
    this.stream?.write(`${text}\n`);
  }
  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    this.stream?.write(`${text}\n`);
  }
  log(line: string): void {
    this.stream?.write(`${line}\n`);
  }
  succeed(text?: string): void {
    if (text) this.stream?.write(`${text}\n`);
  }
  fail(text?: string): void {
    if (text) this.failStream.write(`${text}\n`);
  }
  stop(): void {}
}
