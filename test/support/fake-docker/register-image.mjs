// What a real `docker push` leaves in ECR, for emulators (moto): the tag registered with PutImage and a
// minimal manifest (TESTING.md §3). Shared by the fake docker and the CodeBuild stand-in.
import { createHash } from 'node:crypto';
import { PutImageCommand } from '@aws-sdk/client-ecr';

/** Register `<repositoryUri>:<tag>` in ECR through `ecr` (an ECRClient pointed at the emulator); returns the digest's hex. */
export async function registerPushedImage(ecr, repositoryUri, tag) {
  const image = `${repositoryUri}:${tag}`;
  const repositoryName = repositoryUri.slice(repositoryUri.indexOf('/') + 1);
  const digest = createHash('sha256').update(image).digest('hex');
  const imageManifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: `sha256:${digest}` },
    layers: [],
  });
  await ecr.send(new PutImageCommand({ repositoryName, imageTag: tag, imageManifest }));
  return digest;
}
