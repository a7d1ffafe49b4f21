/**
 * ECR calls of `destroy`: count a repository's images, delete the repository with its images.
 */
import { DeleteRepositoryCommand, ListImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { isNotFound, translateAwsError } from './aws-errors.js';

/**
 * Number of images (distinct digests) in the repository, or `undefined` when it does not exist.
 */
export async function countImages(ecr: ECRClient, repositoryName: string): Promise<number | undefined> {
  const digests = new Set<string>();
  let token: string | undefined;
  try {
    do {
      const page = await ecr.send(new ListImagesCommand({ repositoryName, nextToken: token }));
      for (const id of page.imageIds ?? []) digests.add(id.imageDigest ?? id.imageTag ?? '');
      token = page.nextToken;
    } while (token);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'ecr:ListImages', `Cannot list images of repository ${repositoryName}`);
  }
  return digests.size;
}

/**
 * Delete the repository and every image in it (`force: true`). Already gone counts as done.
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
