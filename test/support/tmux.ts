/**
 * Drives a command in a real pseudo-terminal through tmux, as a person at a keyboard would:
 * start it, read the screen, press keys. Each instance uses its own tmux server socket.
 */
import { execa } from 'execa';

export interface Terminal {
  /** Current screen text. */
  screen(): Promise<string>;
  /** Current screen with its colours and attributes as escape sequences (`tmux capture-pane -e`). */
  styledScreen(): Promise<string>;
  /** Wait until the screen matches `pattern` (or throw with the screen after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** tmux key names: 'Down', 'Space', 'Enter', 'y', 'C-c', … */
  press(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Fails loudly when tmux is missing (the interactive tests must not skip silently). */
export async function openTerminal(command: string, cwd: string): Promise<Terminal> {
  const socket = `agentcore-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args]);
  await tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '40', '-c', cwd, command).catch((error) => {
    throw new Error(`tmux is required for the interactive tests (apt-get install tmux): ${error.message}`);
  });
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'main')).stdout;
  return {
    screen,
    async styledScreen() {
      return (await tmux('capture-pane', '-e', '-p', '-t', 'main')).stdout;
    },
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    },
    async press(...keys) {
      for (const key of keys) {
        await tmux('send-keys', '-t', 'main', key);
        await new Promise((r) => setTimeout(r, 120));
      }
    },
    async close() {
      await tmux('kill-server').catch(() => undefined);
    },
  };
}

/** A shell command line that runs `argv` with `env` (CI removed), then prints its exit code and waits. */
export function shellLine(argv: string[], env: Record<string, string>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  return `env -u CI ${vars.join(' ')} ${argv.map(quote).join(' ')}; echo "EXIT=$?"; sleep 60`;
}
