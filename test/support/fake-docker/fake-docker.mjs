// A fake `docker` client for tests (no Docker engine on the test machines; TESTING.md §3).
// - Appends one JSON line per call to $FAKE_DOCKER_LOG: { argv, stdin } (stdin only read for
//   `login --password-stdin`).
// - Exits with $FAKE_DOCKER_EXIT_<SUBCOMMAND> (e.g. FAKE_DOCKER_EXIT_BUILD=1, printing a fake build
//   error), else 0.
// - `buildx inspect` prints a builder that supports linux/arm64 (unless FAKE_DOCKER_PLATFORMS says otherwise).
// - `buildx build … -t <registry>/<repo>:<tag> … --push` does what a real push does: registers the tag
//   in (moto's) ECR with PutImage and a minimal manifest, so the next deploy sees it. Only when
//   AWS_ENDPOINT_URL is set (an emulator): never against real AWS.
import { appendFileSync, readFileSync } from 'node:fs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { registerPushedImage } from './register-image.mjs';

const argv = process.argv.slice(2);
const stdin = argv.includes('--password-stdin') ? readFileSync(0, 'utf8') : undefined;
if (process.env.FAKE_DOCKER_LOG) appendFileSync(process.env.FAKE_DOCKER_LOG, `${JSON.stringify({ argv, stdin })}\n`);

const sub = argv[0] === 'buildx' ? argv[1] : argv[0];
const exit = Number(process.env[`FAKE_DOCKER_EXIT_${String(sub).toUpperCase()}`] ?? 0);

if (argv[0] === '--version') console.log('Docker version 27.0.0-fake, build fake');
else if (argv[0] === 'buildx' && argv[1] === 'version') console.log('github.com/docker/buildx v0.17.0-fake');
else if (argv[0] === 'buildx' && argv[1] === 'inspect') {
  console.log(`Name: fake\nDriver: docker-container\nPlatforms: ${process.env.FAKE_DOCKER_PLATFORMS ?? 'linux/amd64, linux/arm64'}`);
} else if (argv[0] === 'login') console.log(exit ? 'Error response from daemon: login denied' : 'Login Succeeded');
else if (argv[0] === 'buildx' && argv[1] === 'build') {
  console.log('#1 [internal] load build definition from Dockerfile');
  if (exit) {
    console.error('#5 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1');
    console.error('ERROR: failed to solve: fake build failure');
  } else if (argv.includes('--push') && process.env.AWS_ENDPOINT_URL) {
    const image = argv[argv.indexOf('-t') + 1];
    const [repoPath, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // keep the fake's output to what docker prints
    await registerPushedImage(new ECRClient({}), repoPath, tag);
    console.log(`#9 pushing ${image} done`);
  }
}
process.exit(exit);
