/**
 * The registry of everything the CLI reports on exit: process exit codes, and every error code a
 * {@link CliError} can carry, each with the exit code it ends the process with and what it means.
 *
 * The code is printed in human output (`error [NO_DEPLOYMENT]: …`) and in `--json` failures
 * (`{"error": {"code", "message", "hint"}}`). Scripts match on it, so a code is never renamed
 * casually; the README's "Exit codes" section lists every one (a unit test keeps it complete).
 * `CliError`'s `code` is typed as {@link ErrorCode}: a misspelt code does not compile, and a throw
 * site that also names an `exitCode` must name the registry's.
 */

/** Process exit codes. Documented in the README ("Exit codes"); scripts rely on them. */
export const ExitCode = {
  /** Everything asked for was done. */
  Success: 0,
  /** The agent ran and reported an error (`is_error: true`), or a deploy step failed in AWS (stack rollback, runtime `*_FAILED`). */
  AgentError: 1,
  /** Usage error: unknown flag, bad value, missing argument or configuration. Nothing was changed. */
  Usage: 2,
  /** AWS or infrastructure error: credentials, permissions, throttling, network, missing resources, docker. */
  Infrastructure: 3,
  /** Partly done: some items were refused or failed (e.g. `download` refused unsafe object keys), the rest succeeded. */
  Partial: 4,
  /** Interrupted by the user (Ctrl-C / SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One registry entry: the exit code the error ends the process with, and a one-line meaning. */
export interface ErrorCodeInfo {
  readonly exitCode: ExitCode;
  readonly meaning: string;
}

const agent = ExitCode.AgentError;
const usage = ExitCode.Usage;
const infra = ExitCode.Infrastructure;
const interrupted = ExitCode.Interrupted;

/** Every error code, alphabetically within its exit code. */
export const ERROR_CODES = {
  // exit 1: the agent or a deploy step failed in AWS
  AGENT_ERROR: { exitCode: agent, meaning: 'The agent runtime answered InvokeAgentRuntime with the agent\'s error (RuntimeClientError).' },
  API_ERROR: { exitCode: agent, meaning: 'The HTTP API answered with the agent\'s error (5xx other than 502/504).' },
  CHANGE_SET_FAILED: { exitCode: agent, meaning: 'CloudFormation could not create the stack\'s change set.' },
  CODEBUILD_FAILED: { exitCode: agent, meaning: 'deploy --build codebuild: the CodeBuild build failed (failed phase and log tail shown); the runtime was not changed.' },
  MODEL_ACCESS_REFUSED: { exitCode: agent, meaning: 'The model API refused the agent\'s credentials or model access (401/403); the run was stopped.' },
  RUNTIME_FAILED: { exitCode: agent, meaning: 'The runtime version ended CREATE_FAILED or UPDATE_FAILED (failureReason shown).' },
  STACK_FAILED: { exitCode: agent, meaning: 'The stack create or update failed and rolled back (failed resources listed).' },

  // exit 2: usage; nothing was changed
  ACCOUNT_MISMATCH: { exitCode: usage, meaning: 'The recorded deployment belongs to another AWS account than the credentials.' },
  AGENT_BAD_REQUEST: { exitCode: usage, meaning: 'The agent server refused the request as invalid (400).' },
  AMBIGUOUS_DEPLOYMENT: { exitCode: usage, meaning: 'Several recorded deployments match; --name (or --region) picks one.' },
  AWS_VALIDATION: { exitCode: usage, meaning: 'AgentCore refused a session operation\'s request as invalid (ValidationException; its message shown).' },
  API_BAD_REQUEST: { exitCode: usage, meaning: 'The HTTP API refused the request as invalid (400).' },
  ASYNC_NEEDS_SERVER: { exitCode: usage, meaning: 'invoke --local --async needs an agent server that outlives the command (`dev`).' },
  BAD_ARN: { exitCode: usage, meaning: 'A flag that takes an ARN got something else (--runtime-arn).' },
  BAD_ARTIFACT: { exitCode: usage, meaning: '--artifact is neither container nor code.' },
  BAD_BUILD_MODE: { exitCode: usage, meaning: '--build is neither local nor codebuild.' },
  BAD_CONFIG: { exitCode: usage, meaning: 'agentcore-claude.yaml cannot be parsed or has unknown keys or bad values.' },
  BAD_DURATION: { exitCode: usage, meaning: 'A duration flag has a bad value or is out of range (--timeout, --idle-timeout, --max-lifetime).' },
  BAD_NAME: { exitCode: usage, meaning: 'The agent name gives no valid AgentCore runtime name.' },
  BAD_OUT_DIR: { exitCode: usage, meaning: 'download --out is not a directory that can be written to.' },
  BAD_PERMISSION_MODE: { exitCode: usage, meaning: 'Unknown --permission-mode.' },
  BAD_SECRET_ARN: { exitCode: usage, meaning: '--git-token-secret is not a Secrets Manager secret ARN in the deploy region.' },
  BAD_SESSION_ID: { exitCode: usage, meaning: '--session breaks AgentCore\'s runtimeSessionId rules (length, characters, reserved form).' },
  BAD_SINCE: { exitCode: usage, meaning: 'logs --since is neither a duration nor a past time.' },
  BAD_SKILLS: { exitCode: usage, meaning: 'The --skills directory is missing, empty, or holds invalid skills.' },
  BAD_STACK_NAME: { exitCode: usage, meaning: '--stack-name is not a valid CloudFormation stack name.' },
  BAD_STATE: { exitCode: usage, meaning: 'The state file (.agentcore-claude/deployments.json) is not valid.' },
  BAD_URL: { exitCode: usage, meaning: '--url is not a URL.' },
  CODE_PACKAGE_TOO_LARGE: { exitCode: usage, meaning: 'The code zip exceeds AgentCore\'s direct code deployment limit (use --artifact container).' },
  CONFIRMATION_REQUIRED: { exitCode: usage, meaning: 'A confirmation is needed and there is no terminal to ask on (pass --yes).' },
  CONFLICTING_FLAGS: { exitCode: usage, meaning: 'Flags that cannot be used together, or a flag that needs another one.' },
  EMPTY_PROMPT: { exitCode: usage, meaning: 'The task prompt is empty.' },
  EXPORT_REFUSED: { exitCode: usage, meaning: 'sessions export: the agent has nothing to export for the session (its storage was reset; the reason shown).' },
  NO_AGENT_BUILD: { exitCode: usage, meaning: 'The code package needs the built agent server, which is missing (npm run build).' },
  NO_API_ENDPOINT: { exitCode: usage, meaning: 'invoke --api: the deployment has no HTTP API (deploy --with-api).' },
  NO_API_KEY: { exitCode: usage, meaning: 'invoke --api: no saved API key (run `api-key`).' },
  NO_BUCKET: { exitCode: usage, meaning: 'No output bucket: the stack is missing or has no bucket output (pass --bucket).' },
  NO_DEPLOYMENT: { exitCode: usage, meaning: 'No recorded deployment and no --name/--stack-name to find one.' },
  NO_DOCKERFILE: { exitCode: usage, meaning: 'The build context (--context) has no Dockerfile.' },
  NO_LIVE_SESSION: { exitCode: usage, meaning: 'sessions stop / exec: AgentCore has no live session with that id (ResourceNotFoundException).' },
  NO_MODEL_CREDENTIALS: { exitCode: usage, meaning: 'invoke --local: no Anthropic API key or Bedrock credentials for the agent.' },
  NO_REGION: { exitCode: usage, meaning: 'No AWS region is set (--region, AWS_REGION or the config file).' },
  NO_RUN: { exitCode: usage, meaning: 'status: the session has no run on the agent.' },
  NO_SUCH_SESSION: { exitCode: usage, meaning: 'No saved session (sessions rm), or no run (download --run), with that id.' },
  RECREATE_DECLINED: { exitCode: usage, meaning: 'deploy: recreating a ROLLBACK_COMPLETE stack was declined (pass --yes).' },
  REGION_MISMATCH: { exitCode: usage, meaning: 'The recorded deployment is in another region than the settings say.' },
  REPO_NEEDS_CONTAINER: { exitCode: usage, meaning: 'invoke --repo needs git, which a code deployment does not have.' },
  SELECTION_REQUIRED: { exitCode: usage, meaning: 'A choice is needed and there is no terminal to ask on (pass the flag named).' },
  SESSION_BUSY: { exitCode: usage, meaning: 'The session is running another invocation (409).' },
  SESSION_GONE: { exitCode: usage, meaning: 'exec: the session\'s workspace is not there (the session ended and kept no files on session storage).' },
  SKILLS_NEED_CONTAINER: { exitCode: usage, meaning: '--skills needs the container artifact.' },
  UNKNOWN_MODEL_REGION: { exitCode: usage, meaning: 'No default inference profile is known for the region (pass --model).' },
  UNSUPPORTED_TRANSPORT: { exitCode: usage, meaning: 'The operation is not available through this transport (e.g. --api).' },
  USAGE: { exitCode: usage, meaning: 'The command line could not be parsed: unknown flag or command, missing argument, bad choice.' },

  // exit 3: AWS or infrastructure
  ACCESS_DENIED: { exitCode: infra, meaning: 'AWS denied a call; the message names the IAM action needed.' },
  AGENT_HTTP_ERROR: { exitCode: infra, meaning: 'The agent server answered with an HTTP error.' },
  AGENT_NOT_FOUND: { exitCode: infra, meaning: 'info: neither the agent\'s runtime nor its stack exists.' },
  AGENT_UNREACHABLE: { exitCode: infra, meaning: 'No agent server answers at the URL.' },
  API_BRIDGE_ERROR: { exitCode: infra, meaning: 'The HTTP API\'s Lambda bridge could not call AgentCore (502).' },
  API_FORBIDDEN: { exitCode: infra, meaning: 'The HTTP API refused the key (403).' },
  API_KEY_NOT_FOUND: { exitCode: infra, meaning: 'The HTTP API\'s key does not exist.' },
  API_KEY_NO_VALUE: { exitCode: infra, meaning: 'API Gateway returned the key without its value.' },
  API_THROTTLED: { exitCode: infra, meaning: 'The HTTP API\'s usage plan limit was reached (429).' },
  API_TIMEOUT: { exitCode: infra, meaning: 'API Gateway stopped waiting for the agent (504); the run goes on.' },
  API_UNREACHABLE: { exitCode: infra, meaning: 'The HTTP API endpoint cannot be reached.' },
  AWS_ERROR: { exitCode: infra, meaning: 'An AWS call failed for another reason (the AWS error name and message shown).' },
  BAD_AGENT_EVENT: { exitCode: infra, meaning: 'The agent sent a malformed stream event.' },
  BAD_AGENT_REPLY: { exitCode: infra, meaning: 'The agent answered with a body that is not JSON.' },
  BAD_STATUS_REPLY: { exitCode: infra, meaning: 'The agent answered a status request with something else (an older agent?).' },
  BRIDGE_TOO_LARGE: { exitCode: infra, meaning: 'The Lambda bridge bundle exceeds CloudFormation\'s parameter size limit.' },
  BUILD_FAILED: { exitCode: infra, meaning: 'docker buildx build failed (its last lines shown).' },
  CODEBUILD_NO_BUILD: { exitCode: infra, meaning: 'CodeBuild returned or knows no build for the request (StartBuild / BatchGetBuilds).' },
  COMMAND_TIMED_OUT: { exitCode: infra, meaning: 'exec: the command ran past --timeout and AgentCore stopped it.' },
  CANNOT_LISTEN: { exitCode: infra, meaning: 'The local agent server cannot listen on the host and port.' },
  DOCKER_LOGIN_FAILED: { exitCode: infra, meaning: 'docker login to ECR failed.' },
  DOCKER_NOT_RUNNING: { exitCode: infra, meaning: 'docker buildx cannot start a builder (is the daemon running?).' },
  ECR_NO_TOKEN: { exitCode: infra, meaning: 'ECR returned no authorization token.' },
  EMPTY_RESPONSE: { exitCode: infra, meaning: 'AgentCore answered InvokeAgentRuntime without a body.' },
  EXPIRED_CREDENTIALS: { exitCode: infra, meaning: 'The AWS credentials have expired.' },
  EXPORT_FAILED: { exitCode: infra, meaning: 'sessions export: the agent could not write the session\'s archive to S3.' },
  INTERNAL: { exitCode: infra, meaning: 'A bug in agentcore-claude (not a CliError); --debug shows the stack.' },
  INVALID_CREDENTIALS: { exitCode: infra, meaning: 'AWS rejected the credentials.' },
  LOCAL_SERVER_FAILED: { exitCode: infra, meaning: 'The local agent server did not start.' },
  MISSING_OUTPUTS: { exitCode: infra, meaning: 'The stack lacks outputs deploy needs (bucket, repository, role).' },
  NOT_BUILT: { exitCode: infra, meaning: 'The agent server is not built (npm run build).' },
  NO_ARM64_BUILDER: { exitCode: infra, meaning: 'The docker buildx builder cannot build linux/arm64.' },
  NO_BRIDGE_BUNDLE: { exitCode: infra, meaning: 'The Lambda bridge bundle is missing (npm run build).' },
  NO_BUILD_PROJECT: { exitCode: infra, meaning: 'The stack has no CodeBuild project (parameter EnableCodeBuild) to build the image with.' },
  NO_BUILDX: { exitCode: infra, meaning: 'docker buildx is not installed.' },
  NO_CREDENTIALS: { exitCode: infra, meaning: 'No AWS credentials were found.' },
  NO_DOCKER: { exitCode: infra, meaning: 'docker is not installed.' },
  NO_HTTP_API: { exitCode: infra, meaning: 'api-key: the stack has no HTTP API outputs (deploy --with-api).' },
  NO_LOG_GROUP: { exitCode: infra, meaning: 'The runtime\'s log group does not exist yet.' },
  NO_REPOSITORY: { exitCode: infra, meaning: 'The stack has no ECR repository output.' },
  NO_RUNTIME: { exitCode: infra, meaning: 'logs: no AgentCore runtime with the agent\'s name.' },
  NO_RUNTIME_ARN: { exitCode: infra, meaning: 'The HTTP API needs the runtime ARN, which the runtime step did not produce.' },
  NO_STACK: { exitCode: infra, meaning: 'The stack does not exist.' },
  NO_TRANSCRIPT: { exitCode: infra, meaning: 'The run\'s transcript was neither uploaded nor on this machine.' },
  NPM_INSTALL_FAILED: { exitCode: infra, meaning: 'Installing the code package\'s arm64 dependencies failed.' },
  PORT_IN_USE: { exitCode: infra, meaning: 'The local agent server\'s port is taken.' },
  ROLE_NOT_ASSUMABLE: { exitCode: infra, meaning: 'AgentCore cannot assume the execution role yet (IAM propagation).' },
  RUNTIME_CONFLICT: { exitCode: infra, meaning: 'Another create or update of the runtime is in progress.' },
  RUNTIME_DELETE_FAILED: { exitCode: infra, meaning: 'The runtime was not deleted.' },
  RUNTIME_DELETING: { exitCode: infra, meaning: 'The runtime is being deleted.' },
  RUNTIME_NOT_FOUND: { exitCode: infra, meaning: 'No agent runtime with that name or ARN.' },
  RUNTIME_NOT_READY: { exitCode: infra, meaning: 'The runtime is not READY (its status shown).' },
  STACK_BUSY: { exitCode: infra, meaning: 'Another operation is changing the stack (*_IN_PROGRESS).' },
  STACK_DELETE_FAILED: { exitCode: infra, meaning: 'The stack could not be deleted.' },
  STACK_DELETE_TIMEOUT: { exitCode: infra, meaning: 'The stack was still deleting when the wait ended.' },
  STACK_FAILED_STATE: { exitCode: infra, meaning: 'The stack is in a failed state deploy cannot update (delete it first).' },
  STACK_GONE: { exitCode: infra, meaning: 'The stack disappeared while deploy waited for it.' },
  STACK_ROLLBACK_FAILED: { exitCode: infra, meaning: 'The stack is in UPDATE_ROLLBACK_FAILED (continue-update-rollback first).' },
  STREAM_ENDED: { exitCode: infra, meaning: 'The agent closed the stream before the final result.' },
  STS_FAILED: { exitCode: infra, meaning: 'AWS STS cannot be reached (network or region).' },
  THROTTLED: { exitCode: infra, meaning: 'AgentCore throttled the invocation even after retries.' },
  TIMEOUT: { exitCode: infra, meaning: 'A wait or --timeout passed; the work may go on in AWS.' },
  WAIT_TIMEOUT: { exitCode: infra, meaning: 'status --wait: the run is still running when the wait ended.' },

  // exit 130: interrupted
  CANCELLED: { exitCode: interrupted, meaning: 'A destructive action was declined at its prompt; nothing was changed.' },
  INTERRUPTED: { exitCode: interrupted, meaning: 'Interrupted by the user (Ctrl-C).' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A registered error code, e.g. `NO_DEPLOYMENT`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The exit code the registry gives `C`. */
export type ExitCodeOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['exitCode'];

/** The codes that mean a usage mistake (exit 2), the only ones a `UsageError` may carry. */
export type UsageErrorCode = { [C in ErrorCode]: ExitCodeOf<C> extends typeof ExitCode.Usage ? C : never }[ErrorCode];
