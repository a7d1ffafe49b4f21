/**
 * `agentcore-claude dev`: run the bundled agent server locally as a Node process (no Docker, no AWS).
 */
import { Command } from 'commander';
import { runDev } from '../engine/dev.js';
import { LOCAL_WORKSPACE_ROOT } from '../engine/local-server.js';
import { createContext } from './context.js';
import { positiveInt, withExamples } from './options.js';

export function devCommand(): Command {
  const command = new Command('dev')
    .description('Run the bundled agent server on this machine (no Docker, no AWS) for invoke --local and curl')
    .option('--port <port>', 'port to listen on', positiveInt('--port'), 8080)
    .option('--host <host>', 'address to listen on (0.0.0.0 to accept other machines)', '127.0.0.1')
    .option('--workspace-root <dir>', 'directory holding one workspace per runtime session', LOCAL_WORKSPACE_ROOT);
  withExamples(command, [
    ['ANTHROPIC_API_KEY=sk-ant-… agentcore-claude dev', 'Anthropic API'],
    ['CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1 agentcore-claude dev --port 9000', 'Amazon Bedrock with your AWS credentials'],
    ['OUTPUT_BUCKET_NAME=my-bucket agentcore-claude dev', 'also upload outputs to S3'],
    ['curl -s localhost:8080/invocations -d \'{"prompt":"Create hello.py"}\'', 'call it from another terminal'],
  ]);
  return command.action(async (flags: { port: number; host: string; workspaceRoot: string }) => {
    const ctx = await createContext({});
    process.exitCode = await runDev({ ...flags, env: ctx.env, io: ctx.io });
  });
}
