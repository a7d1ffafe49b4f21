/**
 * The local `docker` client, driven with execa: availability checks, registry login with the
 * password on stdin, and the ARM64 build + push with streamed output.
 */
import { CliError, errorMessage } from '../core/errors.js';

/** execa, loaded when docker is first run (a deploy that builds nothing never loads it). */
const loadExeca = async () => (await import('execa')).execa;

/** AgentCore Runtime runs ARM64 containers only. */
export const PLATFORM = 'linux/arm64';

/** Appended to every "Docker is missing" hint: the way to deploy without it. */
export const NO_DOCKER_ALTERNATIVE =
  'Or deploy without Docker: `agentcore-claude deploy --build codebuild` (the same image, built and pushed by CodeBuild in your account) or `agentcore-claude deploy --artifact code` (a zip on AgentCore\'s managed Node.js 22 runtime).';

/** Lines of build output kept for the error message when a build fails. */
const TAIL_LINES = 30;

/**
 * Check that `docker` and `docker buildx` exist and a builder can produce `linux/arm64`
 * (`docker buildx inspect --bootstrap` lists its platforms).
 * @throws CliError (exit 3) saying what to install or configure, and naming `--build codebuild` and `--artifact code`.
 */
export async function checkDocker(): Promise<void> {
  const execa = await loadExeca();
  const version = await execa('docker', ['--version'], { reject: false });
  if (version.failed && (version as { code?: string }).code === 'ENOENT') {
    throw new CliError('docker is not installed (needed to build the agent image).', {
      hint: 'Install Docker Desktop, or Docker Engine with the buildx plugin: https://docs.docker.com/get-docker/ ' + NO_DOCKER_ALTERNATIVE,
      code: 'NO_DOCKER',
    });
  }
  const buildx = await execa('docker', ['buildx', 'version'], { reject: false });
  if (buildx.exitCode !== 0) {
    throw new CliError('docker buildx is not available (needed to build the ARM64 image).', {
      hint: 'Install the buildx plugin: https://docs.docker.com/go/buildx/ ' + NO_DOCKER_ALTERNATIVE,
      code: 'NO_BUILDX',
    });
  }
  const inspect = await execa('docker', ['buildx', 'inspect', '--bootstrap'], { reject: false, all: true });
  if (inspect.exitCode !== 0) {
    throw new CliError(`docker buildx cannot start a builder: ${lastLines(String(inspect.all ?? ''), 5)}`, {
      hint: 'Is the Docker daemon running? Start Docker, then run `agentcore-claude deploy` again. ' + NO_DOCKER_ALTERNATIVE,
      code: 'DOCKER_NOT_RUNNING',
    });
  }
  if (!String(inspect.stdout).includes(PLATFORM)) {
    throw new CliError(`The docker buildx builder cannot build ${PLATFORM}.`, {
      hint: 'Enable ARM64 emulation (docker run --privileged --rm tonistiigi/binfmt --install arm64) or use a builder that supports it (docker buildx create --use). ' + NO_DOCKER_ALTERNATIVE,
      code: 'NO_ARM64_BUILDER',
    });
  }
}

/** `docker login --username <user> --password-stdin <registry>`, the password on stdin. @throws CliError. */
export async function dockerLogin(login: { username: string; password: string; registry: string }): Promise<void> {
  const execa = await loadExeca();
  const result = await execa('docker', ['login', '--username', login.username, '--password-stdin', login.registry], {
    input: login.password,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) {
    throw new CliError(`docker login to ${login.registry} failed: ${lastLines(String(result.all ?? ''), 5)}`, {
      hint: 'Check that Docker is running, then run `agentcore-claude deploy` again.',
      code: 'DOCKER_LOGIN_FAILED',
    });
  }
}

/**
 * `docker buildx build --platform linux/arm64 --provenance=false -t <image> --push <context>`,
 * streaming each output line to `onLine`. `--provenance=false`: buildx would otherwise push an
 * image index with an attestation manifest; one plain arm64 manifest is what AgentCore runs.
 * @throws CliError (exit 3, code `BUILD_FAILED`) with the build's last 30 lines.
 */
export async function buildAndPush(image: string, contextDir: string, onLine: (line: string) => void): Promise<void> {
  const execa = await loadExeca();
  const tail: string[] = [];
  const child = execa('docker', ['buildx', 'build', '--platform', PLATFORM, '--provenance=false', '-t', image, '--push', contextDir], { reject: false, all: true, buffer: false });
  try {
    for await (const line of child.iterable({ from: 'all' })) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      onLine(line);
    }
  } catch (error) {
    tail.push(errorMessage(error));
  }
  const result = await child;
  if (result.exitCode !== 0) {
    const why = (result as { code?: string }).code === 'ENOENT' ? 'docker is not installed' : `exit code ${result.exitCode}`;
    throw new CliError(`docker buildx build failed (${why}):\n${tail.join('\n')}`, {
      hint: 'Fix the build error above, then run `agentcore-claude deploy` again.',
      code: 'BUILD_FAILED',
    });
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
