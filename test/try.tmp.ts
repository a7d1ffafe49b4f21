import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startMoto } from './support/moto.js';
import { seedDeployment, putObjects } from './support/seed-deployment.js';
const moto = await startMoto();
const cwd = mkdtempSync(join(tmpdir(), 'ops-'));
const s = await seedDeployment(moto.env, cwd);
await putObjects(moto.env, s.state.bucket, { 'outputs/20250101_120000/a.txt': 'a' });
const logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
const bin = join(process.cwd(), 'bin/agentcore-claude.js');
const env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const run = async (...args: string[]) => { const r = await execa('node', [bin, ...args], { cwd, env, reject: false }); console.log('$', args.join(' '), '→', r.exitCode, '\n', r.stdout, '\n', r.stderr); };
await run('info');
await run('logs');
const group = `/aws/bedrock-agentcore/runtimes/${s.state.runtime.id}-DEFAULT`;
await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's1' }));
const now = Date.now();
await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's1', logEvents: [
  { timestamp: now - 7200_000, message: 'old line' },
  { timestamp: now - 1000, message: 'INFO: 127.0.0.1 "GET /ping HTTP/1.1" 200' },
  { timestamp: now - 900, message: 'agent started ERROR x' },
  { timestamp: now - 800, message: 'agent finished' },
] }));
await run('logs');
await run('logs', '--all', '--since', '3h');
await run('logs', '--filter', 'ERROR');
await run('destroy');
await run('destroy', '--yes', '--json');
await run('info', '--name', 'opsagent');
console.log((await execa('ls', [cwd])).stdout);
await moto.stop();
