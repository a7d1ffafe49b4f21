/**
 * ECR: does the repository hold an image tag, and the registry login (token from the SDK, so no
 * AWS CLI is needed) for `deploy`; count a repository's images, delete them, delete the
 * repository for `destroy`.
 */
import {
  BatchDeleteImageCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand,
  paginateListImages,
  type ECRClient,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr';
import { CliError } from '../core/errors.js';
import { isNotFound, translateAwsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { awsErrorName } from './wait.js';

/**
 * True when `repositoryName` has an image tagged `tag` (DescribeImages). A missing repository or
 * image is `false`.
 */
export async function imageTagExists(clients: AwsClients, repositoryName: string, tag: string): Promise<boolean> {
  try {
    const out = await clients.ecr().send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }));
    return (out.imageDetails ?? []).some((image) => image.imageTags?.includes(tag));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') return false;
    throw error;
  }
}

export interface RegistryLogin {
  /** Always `AWS` for ECR. */
  username: string;
  password: string;
  /** Registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com` (no scheme). */
  registry: string;
}

/**
 * Registry credentials (GetAuthorizationToken; valid 12 hours). The token is base64 of
 * `AWS:<password>`.
 * @throws CliError when ECR returns no token.
 */
export async function registryLogin(clients: AwsClients): Promise<RegistryLogin> {
  const out = await clients.ecr().send(new GetAuthorizationTokenCommand({}));
  const data = out.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) {
    throw new CliError('ECR returned no authorization token.', { code: 'ECR_NO_TOKEN' });
  }
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    registry: data.proxyEndpoint.replace(/^https?:\/\//, ''),
  };
}

/** Every image id of the repository, or `undefined` when it does not exist (ListImages, paginated). */
export async function listImageIds(ecr: ECRClient, repositoryName: string): Promise<ImageIdentifier[] | undefined> {
  const ids: ImageIdentifier[] = [];
  try {
    for await (const page of paginateListImages({ client: ecr }, { repositoryName })) ids.push(...(page.imageIds ?? []));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'ecr:ListImages', `Cannot list images of repository ${repositoryName}`);
  }
  return ids;
}

/** Number of images (distinct digests) in the repository, or `undefined` when it does not exist. */
export async function countImages(ecr: ECRClient, repositoryName: string): Promise<number | undefined> {
  const ids = await listImageIds(ecr, repositoryName);
  return ids && new Set(ids.map((id) => id.imageDigest ?? id.imageTag)).size;
}

/**
 * Delete every image of the repository (the repository stays, empty), so CloudFormation can
 * delete it. BatchDeleteImage takes at most 100 image ids per call (ECR API reference).
 * @returns the number of distinct images deleted.
 */
export async function deleteAllImages(ecr: ECRClient, repositoryName: string): Promise<number> {
  const ids = await listImageIds(ecr, repositoryName);
  if (!ids || ids.length === 0) return 0;
  const digests = [...new Set(ids.map((id) => id.imageDigest).filter((d): d is string => Boolean(d)))];
  const targets: ImageIdentifier[] = digests.length > 0 ? digests.map((imageDigest) => ({ imageDigest })) : ids;
  try {
    for (let i = 0; i < targets.length; i += 100) {
      await ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: targets.slice(i, i + 100) }));
    }
  } catch (error) {
    if (isNotFound(error)) return targets.length;
    throw translateAwsError(error, 'ecr:BatchDeleteImage', `Cannot delete images of repository ${repositoryName}`);
  }
  return targets.length;
}

/**
 * Delete the repository and any image left in it (`force: true`). Already gone counts as done.
 * @returns false when there was nothing to delete.
 */
export async function deleteRepository(ecr: ECRClient, repositoryName: string): Promise<boolean> {
  try {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName, force: true }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 'ecr:DeleteRepository', `Cannot delete repository ${repositoryName}`);
  }
}
