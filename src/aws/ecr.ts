/**
 * ECR: does the repository hold an image tag, and the registry login (token from the SDK, so no
 * AWS CLI is needed).
 */
import { DescribeImagesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { CliError } from '../core/errors.js';
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
