/**
 * API Gateway: the one call `api-key` makes (GetApiKey with its value).
 */
import { GetApiKeyCommand, type APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CliError, errorMessage } from '../core/errors.js';

export interface ApiKey {
  id: string;
  name?: string;
  enabled: boolean;
  /** The secret value of the key. */
  value: string;
}

/**
 * GetApiKey with `includeValue: true`.
 * @throws CliError (exit 3): access denied (names `apigateway:GET` on the key), key not found
 *   (the stack's key was deleted outside CloudFormation), or any other AWS failure.
 */
export async function getApiKey(client: APIGatewayClient, keyId: string, region: string): Promise<ApiKey> {
  try {
    const key = await client.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }));
    if (!key.value) throw new CliError(`API Gateway returned API key ${keyId} without its value.`, { code: 'API_KEY_NO_VALUE' });
    return { id: key.id ?? keyId, name: key.name, enabled: key.enabled ?? false, value: key.value };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const name = (error as Error).name;
    if (name === 'AccessDeniedException' || name === 'ForbiddenException') {
      throw new CliError(`Access denied reading API key ${keyId}: ${errorMessage(error)}`, {
        hint: `Your AWS identity needs apigateway:GET on arn:aws:apigateway:${region}::/apikeys/${keyId}.`,
        code: 'ACCESS_DENIED',
        cause: error,
      });
    }
    if (name === 'NotFoundException') {
      throw new CliError(`API key ${keyId} does not exist in ${region}.`, {
        hint: 'Run `agentcore-claude deploy --with-api` to recreate the HTTP API and its key.',
        code: 'API_KEY_NOT_FOUND',
        cause: error,
      });
    }
    throw new CliError(`GetApiKey ${keyId} failed: ${name}: ${errorMessage(error)}`, { code: 'AWS_ERROR', cause: error });
  }
}

