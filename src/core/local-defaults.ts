/**
 * Defaults of the local agent server (`dev`, `invoke --local`), in a module of their own so that
 * `--help` and option parsing do not load the server launcher (execa) at start-up.
 */

/** Default workspace root for local runs: `.agentcore-claude/workspaces` in the current directory. */
export const LOCAL_WORKSPACE_ROOT = '.agentcore-claude/workspaces';

/** Where `dev` listens and `invoke --local` looks by default. */
export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:8080';
