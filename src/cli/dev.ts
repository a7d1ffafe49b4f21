/**
 * `agentcore-claude dev`: run the bundled agent server locally as a Node process (no Docker, no AWS).
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { LOCAL_WORKSPACE_ROOT } from '../core/local-defaults.js';
import { positiveInt, withExamples } from './options.js';

export function devCommand(): Command {
  const command = new Command('dev')
    .description('Run the bundled agent server on this machine (no Docker, no AWS) for invoke --local and curl')
    .option('--port <port>', 'port to listen on', positiveInt('--port'), 8080)
    .option('--host <host>', 'address to listen on (0.0.0.0 to accept other machines)', '127.0.0.1')
    .option('--workspace-root <dir>', 'directory holding one workspace per runtime session', LOCAL_WORKSPACE_ROOT)
    .option('--skills <dir>', 'Claude skills (<dir>/<name>/SKILL.md) to install in every session workspace; validated first');
  withExamples(command, [
    ['ANTHROPIC_API_KEY=sk-ant-… agentcore-claude dev', 'Anthropic API'],
    ['CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1 agentcore-claude dev --port 9000', 'Amazon Bedrock with your AWS credentials'],
    ['OUTPUT_BUCKET_NAME=my-bucket agentcore-claude dev', 'also upload outputs to S3'],
    ['agentcore-claude dev --skills ./skills', 'with your skills, as `deploy --skills` bundles them'],
    ['curl -s localhost:8080/invocations -d \'{"prompt":"Create hello.py"}\'', 'call it from another terminal'],
  ]);
  return command.action(async (flags: { port: number; host: string; workspaceRoot: string; skills?: string }) => {
    const { createContext } = await import('./context.js');
    const ctx = await createContext({}, process.env, process.cwd(), { deployment: false });
    // Loaded when the command runs, so other commands' start-up does not pay for them.
    const [{ runDev }, { loadSkills }] = await Promise.all([import('../engine/dev.js'), import('../engine/skills.js')]);
    const skillsDir = flags.skills ?? ctx.config.skills;
    let env = ctx.env;
    if (skillsDir) {
      const skills = await loadSkills(skillsDir);
      ctx.io.info(`Skills: ${skills.map((s) => s.name).join(', ')} (from ${resolve(skillsDir)})`);
      env = { ...env, SKILLS_DIR: resolve(skillsDir) };
    }
    process.exitCode = await runDev({ port: flags.port, host: flags.host, workspaceRoot: flags.workspaceRoot, env, io: ctx.io });
  });
}
