// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Strict grammars for the untrusted strings of a `POST /invocations` payload that reach a
 * command line (git's `--branch <branch>`, `fetch origin <base>`, `clone <repo>`; Claude Code's
 * `--model <model>` and `--allowedTools <a,b,…>`). Pure functions: each returns why a value is
 * refused (a message naming the rule, to follow the field name), or `undefined` when it is accepted.
 *
 * Common to all of them: never empty, never starting with `-` (it would read as an option), no
 * ASCII control characters (C0, DEL) or whitespace, no NUL, no lone UTF-16 surrogates, bounded length.
 */

/** Longest accepted branch or base ref name (characters). */
export const MAX_REF_CHARS = 256;
/** Longest accepted model id (characters): Bedrock's modelId length limit. */
export const MAX_MODEL_CHARS = 2048;
/** Longest accepted repository URL (characters). */
export const MAX_REPO_URL_CHARS = 2048;

/** `[\x00-\x1f\x7f]`: ASCII control characters (NUL, newline, tab, ESC, DEL, …). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A lone (unpaired) UTF-16 surrogate: not a Unicode scalar value, cannot be encoded as UTF-8. */
export function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/**
 * Problems every string that may reach argv has: NUL/control characters, lone surrogates, a
 * leading `-`. Used by the specific grammars below before their own rules.
 */
export function argvTextProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.includes('\u0000')) return 'must not contain NUL';
  if (CONTROL.test(value)) return 'must not contain control characters (newline, tab, ESC, DEL, …)';
  if (hasLoneSurrogate(value)) return 'must not contain unpaired UTF-16 surrogates';
  if (value.startsWith('-')) return 'must not start with "-" (it would be read as a command-line option)';
  return undefined;
}

/**
 * Why `name` is not a Git branch name, or `undefined`. The rules of `git check-ref-format --branch`
 * (https://git-scm.com/docs/git-check-ref-format), applied to `name` as the branch part of
 * `refs/heads/<name>`:
 * 1. no slash-separated component begins with `.` or ends with `.lock`;
 * 3. no `..`;
 * 4. no ASCII control characters, space, `~`, `^`, `:`;
 * 5. no `?`, `*`, `[`;
 * 6. does not begin or end with `/`, no `//`;
 * 7. does not end with `.`;
 * 8. no `@{`;
 * 9. is not `@`;
 * 10. no `\`;
 * and, as for `--branch`: does not start with `-` and is not `HEAD`.
 * Additionally (this server): at most {@link MAX_REF_CHARS} characters, no lone surrogates.
 * Non-ASCII letters are accepted, as git accepts them.
 */
export function refNameProblem(name: string): string | undefined {
  const common = argvTextProblem(name);
  if (common) return common;
  if (name.length > MAX_REF_CHARS) return `must be at most ${MAX_REF_CHARS} characters`;
  if (/[ ~^:?*[\\]/.test(name)) return 'is not a Git ref name: no space, ~, ^, :, ?, *, [ or \\ (git check-ref-format)';
  if (name.includes('..')) return 'is not a Git ref name: no ".." (git check-ref-format)';
  if (name.includes('@{')) return 'is not a Git ref name: no "@{" (git check-ref-format)';
  if (name === '@') return 'is not a Git ref name: not "@" (git check-ref-format)';
  if (name === 'HEAD') return 'is not a branch name: not "HEAD" (git check-ref-format --branch)';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'is not a Git ref name: no leading or trailing "/" and no "//" (git check-ref-format)';
  }
  if (name.endsWith('.')) return 'is not a Git ref name: must not end with "." (git check-ref-format)';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'is not a Git ref name: no component may start with "." (git check-ref-format)';
    if (component.endsWith('.lock')) return 'is not a Git ref name: no component may end with ".lock" (git check-ref-format)';
  }
  return undefined;
}

/** A commit SHA, abbreviated or full: 4–64 hex digits (SHA-1 is 40, SHA-256 is 64). */
export const COMMIT_SHA = /^[0-9a-fA-F]{4,64}$/;

/** Why `base` is neither a Git ref name ({@link refNameProblem}) nor a commit SHA ({@link COMMIT_SHA}). */
export function baseRefProblem(base: string): string | undefined {
  if (COMMIT_SHA.test(base)) return undefined;
  const problem = refNameProblem(base);
  return problem ? `${problem}; or give a commit SHA (4–64 hex digits)` : undefined;
}

/**
 * Bedrock's `modelId` grammar for InvokeModel / InvokeModelWithResponseStream (a base model id, an
 * inference profile id such as `us.anthropic.claude-haiku-4-5-20251001-v1:0`, or the ARN of a
 * model, inference profile, application inference profile, provisioned or imported model), length
 * 1–2048. Source: "Pattern" of `modelId` in
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 * (inference profile ARNs: `arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:<region>:<account>:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+`,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_InferenceProfileSummary.html).
 */
export const BEDROCK_MODEL_ID =
  /^(arn:aws(-[^:]{1,12})?:(bedrock|sagemaker):[a-z0-9-]{1,20}:([0-9]{12})?:([a-z-]+\/)?)?([a-zA-Z0-9.-]{1,63}){0,2}(([:][a-z0-9-]{1,63}){0,2})?(\/[a-z0-9]{1,12})?$/;

/**
 * Claude Code's model aliases (https://docs.claude.com/en/docs/claude-code/model-config:
 * `default`, `sonnet`, `opus`, `haiku`, `sonnet[1m]`, `opusplan`; `opus[1m]` and `best` in newer
 * releases). A full model name may also carry the `[1m]` suffix (1M-token context).
 */
export const CLAUDE_CODE_MODEL_ALIASES = ['default', 'sonnet', 'opus', 'haiku', 'opusplan', 'best'] as const;

/**
 * Why `model` is not a model Claude Code can be started with (`--model <model>`), or `undefined`:
 * - a Claude Code alias ({@link CLAUDE_CODE_MODEL_ALIASES}), optionally with `[1m]`;
 * - an Anthropic API model name `claude-…` (lowercase letters, digits, `.`, `-`), optionally with `[1m]`;
 * - a Bedrock model id, inference profile id or ARN ({@link BEDROCK_MODEL_ID}), optionally with `[1m]`,
 *   that starts with a letter or digit and holds no `..` (Bedrock's pattern alone admits `../x`).
 * Never empty, never starting with `-`, no whitespace or control characters, at most {@link MAX_MODEL_CHARS}.
 */
export function modelIdProblem(model: string): string | undefined {
  const common = argvTextProblem(model);
  if (common) return common;
  if (model.length > MAX_MODEL_CHARS) return `must be at most ${MAX_MODEL_CHARS} characters`;
  if (/\s/.test(model)) return 'must not contain whitespace';
  const id = model.endsWith('[1m]') ? model.slice(0, -'[1m]'.length) : model;
  if (id.length === 0) return 'is not a model id';
  if ((CLAUDE_CODE_MODEL_ALIASES as readonly string[]).includes(id)) return undefined;
  if (/^claude-[a-z0-9][a-z0-9.-]{0,126}$/.test(id)) return undefined;
  if (/^[a-zA-Z0-9]/.test(id) && !id.includes('..') && BEDROCK_MODEL_ID.test(id)) return undefined;
  return `is not a model id: a Claude Code alias (${CLAUDE_CODE_MODEL_ALIASES.join(', ')}, sonnet[1m]), a claude-… model name, or a Bedrock model id, inference profile id or ARN`;
}

/** Options of {@link repoUrlProblem}. */
export interface RepoUrlOptions {
  /** Accept `file://` URLs (local development: `AGENT_ALLOW_FILE_REPOS=1`). */
  allowFileRepos: boolean;
}

/** A DNS host name (LDH labels), IPv4 address, or bracketed IPv6 address, as `URL` normalizes it. */
const HOST = /^(([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))*\.?|\[[0-9a-f:.]+\])$/;

/**
 * Why a repository URL is refused, or `undefined` when accepted:
 * - `https://<host>/…` with a host name, no embedded credentials (a token belongs in `GIT_TOKEN`);
 * - `file:///<absolute path>` only with `options.allowFileRepos` (local development);
 * - written as such: starting with `https://<host>` or `file://`, no backslash (URL parsing
 *   would normalize what git is then given raw);
 * - never starting with `-`, no whitespace, control characters or lone surrogates, at most
 *   {@link MAX_REPO_URL_CHARS} characters.
 * The default `options` accept `file://` (for callers holding a URL the payload already admitted,
 * e.g. GitWorkspace); the payload passes the server's setting explicitly.
 */
export function repoUrlProblem(url: string, options: RepoUrlOptions = { allowFileRepos: true }): string | undefined {
  const common = argvTextProblem(url);
  if (common) return common;
  if (url.length > MAX_REPO_URL_CHARS) return `must be at most ${MAX_REPO_URL_CHARS} characters`;
  if (/\s/.test(url)) return 'must not contain whitespace';
  // URL() reads `\\` as `/` and skips extra slashes in https:///x; git would be given the raw text.
  if (url.includes('\\')) return 'must not contain a backslash';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const supported = options.allowFileRepos ? 'only https:// (or file://) Git URLs are supported' : 'only https:// Git URLs are supported';
  if (parsed.protocol === 'file:') {
    if (!options.allowFileRepos) return 'uses file: — only https:// Git URLs are supported (file:// needs AGENT_ALLOW_FILE_REPOS=1, local development)';
    if (!url.startsWith('file://')) return 'must start with file:// (file:///absolute/path)';
    if (parsed.host !== '' && parsed.host !== 'localhost') return 'is a file:// URL with a host — use file:///absolute/path';
    return undefined;
  }
  if (parsed.protocol !== 'https:') return `uses ${parsed.protocol} — ${supported}`;
  if (!/^https:\/\/[^/]/.test(url)) return 'must start with https://<host>';
  if (parsed.username || parsed.password) return 'embeds credentials — pass a token through GIT_TOKEN instead';
  if (!parsed.hostname) return 'has no host';
  if (!HOST.test(parsed.hostname)) return 'has an invalid host name';
  return undefined;
}

/**
 * Why a text field that does not reach argv (the prompt) is refused, or `undefined`: no NUL, no
 * lone surrogates (the text must be encodable as UTF-8 for Claude Code and the model API).
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL';
  if (hasLoneSurrogate(value)) return 'must not contain unpaired UTF-16 surrogates';
  return undefined;
}
