/**
 * `agentcore-claude deploy`: thin command over `engine/deploy.ts`.
 */
import { SESSION_STORAGE_MOUNT } from '../core/code-artifact.js';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { parseDurationMs } from '../core/duration.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { watchInterrupt } from './interrupt.js';
import { addJsonOption, addTargetOptions, budgetUsd, positiveInt, withExamples } from './options.js';

/** The package root (dist/cli/ → ../..): where `container/` and `templates/` ship. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface DeployFlags {
  name?: string;
  stackName?: string;
  region?: string;
  profile?: string;
  model?: string;
  idleTimeout?: string;
  maxLifetime?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  wait: boolean;
  timeout: string;
  context?: string;
  withApi?: boolean;
  skills?: string;
  gitTokenSecret?: string;
  artifact?: 'container' | 'code';
  sessionStorage?: boolean;
  maxBudgetUsd?: number;
  build?: 'local' | 'codebuild';
}

export function deployCommand(): Command {
  const command = new Command('deploy').description(
    'Create or update the stack, ARM64 image and AgentCore runtime (shows the plan first; safe to run again).',
  );
  addTargetOptions(command)
    .addOption(new Option('--model <id>', 'Bedrock model id or inference profile (default: Claude Haiku 4.5 with the region\'s profile; "global" for the global profile)').env('AGENTCORE_CLAUDE_MODEL'))
    .option('--idle-timeout <duration>', 'end idle runtime sessions after this long (60s–8h, e.g. 15m; AgentCore default 15m)')
    .option('--max-lifetime <duration>', 'maximum lifetime of a runtime instance (60s–8h, e.g. 8h; AgentCore default 8h)')
    .option('-y, --yes', 'confirm without asking (deleting and recreating a stack in ROLLBACK_COMPLETE)')
    .option('--dry-run', 'print the plan and stop; change nothing')
    .option('--no-wait', 'do not wait for the runtime version to become READY')
    .option('--timeout <duration>', 'give up waiting for the stack and runtime after this long (e.g. 30m, 1h, or seconds: 1800)', '30m')
    .option('--with-api', 'also deploy the HTTP API (API Gateway + API key + Lambda bridge) once the runtime is READY')
    .addOption(new Option('--context <dir>', 'docker build context (default: the container/ shipped with the CLI)').env('AGENTCORE_CLAUDE_CONTEXT'))
    .option('--git-token-secret <arn>', 'Secrets Manager secret with a Git token: lets the agent push its branch for invoke --repo (read by the runtime only)')
    .option('--skills <dir>', 'bundle Claude skills (<dir>/<name>/SKILL.md) into the image; validated before any build')
    .option('--session-storage', `keep workspaces and Claude Code's config on AgentCore managed session storage mounted at ${SESSION_STORAGE_MOUNT} (survives stop/resume; resets on a new runtime version; 14 days idle) instead of an S3 archive after every invocation; config key sessionStorage`)
    .option('--no-session-storage', 'back to the S3 session archive')
    .option('--max-budget-usd <n>', 'default budget of every run in US dollars (MAX_BUDGET_USD; invoke --max-budget-usd overrides); config key maxBudgetUsd', budgetUsd('--max-budget-usd'))
    .addOption(
      new Option('--artifact <type>', 'container: the linux/arm64 image (Docker with buildx); code: a zip on AgentCore\'s managed Node.js 22 runtime, no Docker (no repository workspaces). Default: the previous deployment\'s, else container; config key `artifact`, env AGENTCORE_CLAUDE_ARTIFACT').choices([
        'container',
        'code',
      ]),
    )
    .addOption(
      new Option('--build <where>', 'where the container image is built: local (Docker buildx here) or codebuild (a CodeBuild project on an ARM host in the stack; no Docker needed, billed per build minute). Default local; config key `build`, env AGENTCORE_CLAUDE_BUILD').choices(['local', 'codebuild']),
    );
  addJsonOption(command);
  withExamples(command, [
    ['agentcore-claude deploy', 'deploy (or update) the agent "agentcore-claude"'],
    ['agentcore-claude deploy --dry-run', 'show what would change, change nothing'],
    ['agentcore-claude deploy --dry-run --json', 'the plan as JSON, for CI'],
    ['agentcore-claude deploy --name my-agent --region ap-northeast-1', 'another agent in Tokyo (model jp.anthropic…)'],
    ['agentcore-claude deploy --yes --json', 'non-interactive deploy, result as JSON'],
    ['agentcore-claude deploy --idle-timeout 30m --max-lifetime 4h', 'runtime lifecycle settings'],
    ['agentcore-claude deploy --with-api && agentcore-claude api-key', 'add the HTTP API, then fetch its key'],
    ['agentcore-claude deploy --skills ./skills', 'bundle ./skills/<name>/SKILL.md into the image'],
    ['agentcore-claude deploy --artifact code', 'no Docker: deploy a zip to the managed Node.js 22 runtime'],
    ['agentcore-claude deploy --build codebuild', 'no Docker: the image is built and pushed by CodeBuild in your account'],
  ]);
  return command.action(async (flags: DeployFlags) => {
    // The engine (four AWS SDK clients, the plan, the template) loads while the context reads the
    // state and checks the account: its loading overlaps that network round trip.
    const engine = import('../engine/deploy.js');
    engine.catch(() => undefined);
    const { createContext, requireRegion } = await import('./context.js');
    const ctx = await createContext({
      name: flags.name,
      stackName: flags.stackName,
      region: flags.region,
      profile: flags.profile,
      model: flags.model,
      idleTimeout: flags.idleTimeout,
      maxLifetime: flags.maxLifetime,
      gitTokenSecret: flags.gitTokenSecret,
      withApi: flags.withApi,
      artifact: flags.artifact,
      sessionStorage: flags.sessionStorage,
      maxBudgetUsd: flags.maxBudgetUsd,
      build: flags.build,
      json: flags.json,
    });
    const region = requireRegion(ctx.config);
    const timeoutSeconds = parseDurationMs(flags.timeout, '--timeout') / 1000;
    const templatePath = resolve(PACKAGE_ROOT, 'templates', 'infrastructure.yaml');
    let activity: string | undefined;
    const baseContext = resolve(flags.context ?? resolve(PACKAGE_ROOT, 'container'));
    const skillsDir = flags.skills ?? ctx.config.skills;
    if (skillsDir && (ctx.config.artifact ?? ctx.state?.artifact?.type) === 'code') {
      throw new UsageError('--skills bundles skills into the container image; a code deployment has no image to bundle them into.', {
        hint: 'Deploy the image: `agentcore-claude deploy --artifact container --skills <dir>`.',
        code: 'SKILLS_NEED_CONTAINER',
      });
    }
    const staged = skillsDir ? await (await import('../engine/skills.js')).stageContextWithSkills(baseContext, skillsDir) : undefined;
    if (staged) ctx.io.info(`Bundling ${staged.skills.length} skill(s): ${staged.skills.map((s) => s.name).join(', ')}`);
    // Nothing local needs stopping: AWS goes on with what it was asked; say what that is.
    const interrupt = watchInterrupt({
      describe: () => {
        const running = activity ? `Still running in AWS: ${activity}.` : 'Nothing is left running in AWS.';
        return `${running}\n  → Running \`agentcore-claude deploy\` again is safe: it continues from what exists.`;
      },
      abort: () => process.exit(ExitCode.Interrupted),
    });
    try {
      // Loaded when the command runs (above): the engine pulls in four AWS SDK clients, and every
      // other command's startup would pay for them.
      const { deploy } = await engine;
      const httpApi = ctx.config.withApi ? await import('../engine/http-api.js') : undefined;
      const result = await deploy(
        { io: ctx.io, config: ctx.config, region, aws: ctx.aws, statePath: ctx.statePath, state: ctx.state },
        {
          yes: flags.yes,
          dryRun: flags.dryRun,
          wait: flags.wait,
          timeoutSeconds,
          contextDir: staged?.dir ?? baseContext,
          templatePath,
          extraSteps: httpApi
            ? [
                httpApi.httpApiStep({
                  io: ctx.io,
                  bridgePath: resolve(PACKAGE_ROOT, 'dist', 'lambda', 'bridge.cjs'),
                  wait: { deadline: Date.now() + timeoutSeconds * 1000 },
                }),
              ]
            : [],
          onActivity: (text) => {
            activity = text;
          },
        },
      );
      if (result.dryRun && httpApi) ctx.io.info('With --with-api: once the runtime exists, the Lambda bridge zip goes to the stack bucket (unless already there) and a stack update adds the HTTP API.');
      if (flags.json) ctx.io.result(result.dryRun ? { dryRun: true, plan: result.plan } : { dryRun: false, plan: result.plan, state: result.state, stateFile: ctx.statePath, stateWritten: result.stateWritten });
    } finally {
      interrupt.dispose();
      await staged?.cleanup();
    }
  });
}
