/**
 * Translation of AWS SDK errors into {@link CliError}s that say what failed and what to do.
 */
import { CliError, ExitCode, errorMessage } from '../core/errors.js';
import { awsErrorName } from './wait.js';

/** True when AWS says the resource does not exist (any service's spelling of it). */
export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return (
    /NotFound|NoSuch|DoesNotExist/.test(name) ||
    (name === 'ValidationError' && /does not exist/i.test(errorMessage(error))) ||
    (status === 404 && name !== 'AccessDenied')
  );
}

/**
 * Wrap an AWS error from `action` (the IAM action name, e.g. `s3:ListBucket`) into a CliError
 * (exit 3) with a hint: missing permission, missing credentials, or the original message.
 */
export function translateAwsError(error: unknown, action: string, what: string): CliError {
  if (error instanceof CliError) return error;
  const name = awsErrorName(error);
  const message = errorMessage(error);
  if (/AccessDenied|UnauthorizedOperation|Forbidden/i.test(name)) {
    return new CliError(`${what}: access denied (${message}).`, {
      hint: `Your credentials need the IAM permission ${action}.`,
      code: 'ACCESS_DENIED',
      cause: error,
    });
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(`${what}: no AWS credentials found.`, {
      hint: 'Configure credentials (aws configure / aws sso login), set AWS_PROFILE, or pass --profile.',
      code: 'NO_CREDENTIALS',
      cause: error,
    });
  }
  return new CliError(`${what}: ${name ? `${name}: ` : ''}${message}`, {
    exitCode: ExitCode.Infrastructure,
    code: 'AWS_ERROR',
    cause: error,
  });
}
