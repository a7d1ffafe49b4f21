/**
 * What `deploy --artifact code` deploys: AgentCore Runtime direct code deployment for Node.js.
 * Pure facts and rules, no I/O. Sources (AWS documentation, Amazon Bedrock AgentCore developer guide):
 * - "Direct code deployment for Node.js" (runtime-get-started-code-deploy-node): a .zip holding an
 *   entry point `.js` file that serves `GET /ping` and `POST /invocations`, with dependencies
 *   vendored as `node_modules/`; install the same Node.js major version as the runtime.
 * - "Supported language runtimes and deprecation policy" (runtime-code-deploy-supported-runtimes):
 *   Node.js runtimes: `NODE_22` only (Amazon Linux 2023; deprecation 2027-04-30, updates blocked
 *   from 2027-07-01).
 * - "Get started with … direct code deployment" (runtime-get-started-code-deploy): AgentCore
 *   Runtime uses POSIX file permissions, so modes must be right inside the zip (our Claude Code
 *   binary must stay executable).
 * - "Troubleshooting direct code deployment" (runtime-code-deploy-common-issues): the identity
 *   that calls Create/UpdateAgentRuntime needs `s3:GetObject` on the object (and `kms:Decrypt`
 *   for a CMK-encrypted one); the code must be built for arm64 ("cannot execute binary" otherwise).
 * - "File system configurations for AgentCore Runtime" (runtime-filesystem-configurations) and the
 *   API's SessionStorageConfiguration: managed session storage is a writable per-session file
 *   system mounted at a path under `/mnt` with exactly one level (`/mnt/[a-zA-Z0-9._-]+`); it
 *   survives stop/resume and resets on a version update. The managed runtime documents no other
 *   writable place, and no `git`: repository workspaces need `--artifact container`.
 */
import { contentTag, type ContextFile } from './content-tag.js';
import { CliError, ExitCode } from './errors.js';

/** Which artifact a runtime runs: the arm64 container image (default) or a code zip on a managed runtime. */
export type ArtifactType = 'container' | 'code';
export const ARTIFACT_TYPES: readonly ArtifactType[] = ['container', 'code'];
export const DEFAULT_ARTIFACT: ArtifactType = 'container';

/** The managed runtime (the same Node.js major as the image; see the module comment). */
export const CODE_RUNTIME = 'NODE_22';

/** Entry point inside the zip (relative to its root): the built agent server. */
export const CODE_ENTRY_POINT: readonly string[] = ['dist/main.js'];

/**
 * Largest zip deploy uploads: 250 MiB. AgentCore's quota for a direct code deployment package
 * (Quotas for Amazon Bedrock AgentCore, bedrock-agentcore-limits); the AgentCore CLI enforces the
 * same number before it uploads (aws/agentcore-cli src/lib/packaging/helpers.ts, MAX_ZIP_SIZE_BYTES).
 */
export const MAX_CODE_ZIP_BYTES = 250 * 1024 * 1024;

/**
 * Mount path of AgentCore managed session storage, for every deployment that uses it (`deploy
 * --session-storage`, and always a code deployment): the agent server's WORKSPACE_ROOT, so each
 * session's workspace and Claude Code config dir live on it. A valid SessionStorageConfiguration
 * mountPath (`/mnt/[a-zA-Z0-9._-]+/?`, 6–200 characters; see the module comment).
 */
export const SESSION_STORAGE_MOUNT = '/mnt/workspace';
/** Where the agent's workspaces live on a code deployment: the managed session storage mount. */
export const CODE_WORKSPACE_MOUNT = SESSION_STORAGE_MOUNT;

/** S3 key prefix of code packages in the stack's bucket (next to `outputs/` and `sessions/`). */
export const CODE_KEY_PREFIX = 'code/';

/**
 * The npm script of the agent package (container/package.json) that installs the production
 * dependencies for linux/arm64: `npm ci --omit=dev --os=linux --cpu=arm64 --ignore-scripts …`
 * installs only the arm64 Claude Code binary (the SDK's optional dependency for that platform), no
 * dev dependencies, and runs no install scripts (they would run on the build machine, not on
 * arm64). The one definition: the image's Dockerfile runs it too. Its text is in package.json,
 * hence in the package tag.
 */
export const ARM64_INSTALL_SCRIPT = 'install:arm64';

/** Version of the packaging recipe: part of the tag, so a changed recipe makes a new package. */
const RECIPE = `agentcore-claude code package v1; ${CODE_RUNTIME}; npm run ${ARM64_INSTALL_SCRIPT}; entry ${CODE_ENTRY_POINT.join(' ')}`;

/**
 * The content tag of a code package from its inputs (the built server `dist/**`, `package.json`,
 * `package-lock.json`) and the packaging recipe: same inputs → same tag → same S3 key, so an
 * unchanged redeploy neither stages, uploads nor updates the runtime.
 */
export function codePackageTag(inputs: readonly ContextFile[]): string {
  return contentTag([...inputs, { path: '\0recipe', content: RECIPE }]);
}

/** The S3 key of the package with `tag`: `code/<tag>.zip`. */
export function codePackageKey(tag: string): string {
  return `${CODE_KEY_PREFIX}${tag}.zip`;
}

/**
 * Check a zip's size against {@link MAX_CODE_ZIP_BYTES} before it is uploaded.
 * @throws CliError (exit 2, code `CODE_PACKAGE_TOO_LARGE`) naming the size, the limit and `--artifact container`.
 */
export function checkCodePackageSize(bytes: number, limit = MAX_CODE_ZIP_BYTES): void {
  if (bytes <= limit) return;
  throw new CliError(`The code package is ${mib(bytes)} MiB; AgentCore direct code deployment takes at most ${mib(limit)} MiB (zipped).`, {
    exitCode: ExitCode.Usage,
    hint: 'Deploy the container image instead: `agentcore-claude deploy --artifact container`.',
    code: 'CODE_PACKAGE_TOO_LARGE',
  });
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
