/**
 * ECR calls of `destroy`: count a repository's images, delete them, delete the repository.
 */
import { BatchDeleteImageCommand, DeleteRepositoryCommand, ListImagesCommand, type ECRClient, type ImageIdentifier } from '@aws-sdk/client-ecr';
import { isNotFound, translateAwsError } from './aws-errors.js';

/** Every image id of the repository, or `undefined` when it does not exist (ListImages, paginated). */
export async function listImageIds(ecr: ECRClient, repositoryName: string): Promise<ImageIdentifier[] | undefined> {
  const ids: ImageIdentifier[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await ecr.send(new ListImagesCommand({ repositoryName, nextToken: token }));
      ids.push(...(page.imageIds ?? []));
      token = page.nextToken;
    } while (token);
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
