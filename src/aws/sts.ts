/**
 * STS: who is calling (preflight), and the translation of credential failures into actionable
 * errors. Used by every command before its first real call.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CliError, errorMessage } from '../core/errors.js';
import type { AwsClients } from './clients.js';
import { awsErrorName } from './wait.js';

export interface CallerIdentity {
  account: string;
  arn: string;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'IncompleteSignature']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * Translate a credentials/authorization failure into a CliError (exit 3) with its own code and next
 * step: `NO_CREDENTIALS`, `EXPIRED_CREDENTIALS`, `INVALID_CREDENTIALS`, `ACCESS_DENIED`.
 * @param action what was being done, e.g. `GetCallerIdentity`, for the message.
 * @returns undefined when `error` is something else.
 */
export function credentialError(error: unknown, action: string, profile?: string): CliError | undefined {
  const name = awsErrorName(error);
  const message = errorMessage(error);
  const login = profile ? `aws sso login --profile ${profile}` : 'aws sso login';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new CliError('No AWS credentials found.', {
      hint: 'Configure credentials (aws configure, aws sso login, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --profile <name>.',
      code: 'NO_CREDENTIALS',
      cause: error,
    });
  }
  if (EXPIRED.has(name) || /expired/i.test(message)) {
    return new CliError(`Your AWS credentials have expired (${action}: ${message}).`, {
      hint: `Refresh them (${login}, or renew the session token), then run the command again.`,
      code: 'EXPIRED_CREDENTIALS',
      cause: error,
    });
  }
  if (REJECTED.has(name)) {
    return new CliError(`AWS rejected your credentials (${name}).`, {
      hint: 'Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the --profile you use.',
      code: 'INVALID_CREDENTIALS',
      cause: error,
    });
  }
  if (DENIED.has(name)) {
    return new CliError(`Access denied: ${action} (${message}).`, {
      hint: 'The identity needs the permissions listed in the README ("IAM permissions for deploy"); use another --profile or ask your administrator.',
      code: 'ACCESS_DENIED',
      cause: error,
    });
  }
  return undefined;
}

/** One GetCallerIdentity per AwsClients (the identity of a set of credentials does not change). */
const identities = new WeakMap<AwsClients, Promise<CallerIdentity>>();

/**
 * The caller's account and ARN (STS GetCallerIdentity), asked once per `clients`: the account
 * guard of a command and the command itself share the answer. A failure is not remembered.
 * @throws CliError: no/expired/invalid credentials or access denied, each with its own message.
 */
export function callerIdentity(clients: AwsClients): Promise<CallerIdentity> {
  let pending = identities.get(clients);
  if (!pending) {
    pending = askCallerIdentity(clients);
    identities.set(clients, pending);
    pending.catch(() => identities.delete(clients));
  }
  return pending;
}

async function askCallerIdentity(clients: AwsClients): Promise<CallerIdentity> {
  try {
    const out = await clients.sts().send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (error) {
    throw credentialError(error, 'sts:GetCallerIdentity', clients.options.profile) ??
      new CliError(`Cannot reach AWS STS in ${clients.region}: ${errorMessage(error)}`, {
        hint: 'Check your network and --region.',
        code: 'STS_FAILED',
        cause: error,
      });
  }
}
