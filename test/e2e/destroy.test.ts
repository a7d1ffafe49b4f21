/**
 * `destroy` end to end: the built binary against moto_server. It must refuse to act without a
 * confirmation, and with `--yes` leave nothing behind: runtime, bucket (every version), ECR
 * repository and stack gone, deployment.json renamed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { DeleteObjectCommand, HeadBucketCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto.js';
import { cliEnv, requireBuiltBinary, runCli, tempDir } from '../support/ops-cli.js';
import { motoClients, putObjects, seedDeployment, type Seeded } from '../support/seed-deployment.js';
import { readDeployments } from '../support/state.js';

let moto: Moto;
let env: Record<string, string>;
let aws: ReturnType<typeof motoClients>;

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  env = cliEnv(moto.env);
  aws = motoClients(moto.env);
});
afterAll(async () => {
  await moto?.stop();
});

/** What of the seeded deployment still exists in moto. */
async function remaining(seeded: Seeded) {
  const runtime = await aws.control
    .send(new GetAgentRuntimeCommand({ agentRuntimeId: seeded.state.runtime.id }))
    .then(() => true, () => false);
  const bucket = await aws.s3.send(new HeadBucketCommand({ Bucket: seeded.state.bucket })).then(() => true, () => false);
  const repositoryName = seeded.state.repositoryUri.split('/').slice(1).join('/');
  const repository = await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] })).then(() => true, () => false);
  const stack = await aws.cfn
    .send(new DescribeStacksCommand({ StackName: seeded.stackId }))
    .then((r) => r.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE', () => false);
  return { runtime, bucket, repository, stack };
}

/** A deployment with 3 object versions + 1 delete marker in its bucket and 1 image. */
async function seedWithObjects(name: string) {
  const work = tempDir();
  const seeded = await seedDeployment(moto.env, work.dir, name);
  await putObjects(moto.env, seeded.state.bucket, { 'outputs/20250101_000000/a.txt': 'v1' });
  await putObjects(moto.env, seeded.state.bucket, { 'outputs/20250101_000000/a.txt': 'v2', 'outputs/20250101_000000/b.txt': 'b' });
  await aws.s3.send(new DeleteObjectCommand({ Bucket: seeded.state.bucket, Key: 'outputs/20250101_000000/b.txt' }));
  return { work, seeded };
}

describe('destroy', () => {
  it('without --yes and without a TTY: usage error naming --yes, nothing deleted', async () => {
    const { work, seeded } = await seedWithObjects('keepme');
    try {
      const r = await runCli(['destroy'], { cwd: work.dir, env });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/--yes/);
      expect(r.stderr).toMatch(/4 stored object\(s\) and 1 image\(s\) will be lost/);
      expect(await remaining(seeded)).toEqual({ runtime: true, bucket: true, repository: true, stack: true });
      expect(readDeployments(work.dir).map((d) => d.name)).toEqual(['keepme']);
    } finally {
      work.cleanup();
    }
  });

  it('--yes deletes runtime, every object version, images, repository, bucket and stack; removes the state record', async () => {
    const { work, seeded } = await seedWithObjects('goner');
    try {
      const r = await runCli(['destroy', '--yes', '--json'], { cwd: work.dir, env, timeout: 120_000 });
      expect(r.stderr).not.toMatch(/Unexpected error/);
      expect(r.exitCode).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ runtime: 'deleted', stack: 'deleted', bucket: 'deleted', repository: 'deleted', object_versions_deleted: 4, images_deleted: 1 });
      expect(await remaining(seeded)).toEqual({ runtime: false, bucket: false, repository: false, stack: false });
      expect(readDeployments(work.dir)).toEqual([]);
      const copies = readdirSync(join(work.dir, '.agentcore-claude')).filter((f) => f.startsWith('destroyed-'));
      expect(copies).toEqual([expect.stringMatching(/^destroyed-goner-us-east-1-\d{8}T\d{6}Z\.json$/)]);
      expect(result.state_file).toBe(join(work.dir, '.agentcore-claude', copies[0]!));

      // Running it again finds nothing to delete and no recorded deployment: the usual usage error.
      const again = await runCli(['destroy', '--yes'], { cwd: work.dir, env });
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toMatch(/agentcore-claude deploy/);
    } finally {
      work.cleanup();
    }
  });

  it('--keep-outputs keeps the bucket and every object version, deletes the rest', async () => {
    const { work, seeded } = await seedWithObjects('keepout');
    try {
      const r = await runCli(['destroy', '--yes', '--keep-outputs', '--json'], { cwd: work.dir, env, timeout: 120_000 });
      expect(r.stderr).not.toMatch(/Unexpected error/);
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ bucket: 'kept', object_versions_deleted: 0, stack: 'deleted' });
      expect(await remaining(seeded)).toEqual({ runtime: false, bucket: true, repository: false, stack: false });
      const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: seeded.state.bucket }));
      expect((versions.Versions ?? []).length + (versions.DeleteMarkers ?? []).length).toBe(4);
    } finally {
      work.cleanup();
    }
  });
});
