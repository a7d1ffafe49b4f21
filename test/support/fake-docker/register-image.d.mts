import type { ECRClient } from '@aws-sdk/client-ecr';
/** Register `<repositoryUri>:<tag>` in ECR through `ecr` (an ECRClient pointed at the emulator); returns the digest's hex. */
export function registerPushedImage(ecr: ECRClient, repositoryUri: string, tag: string): Promise<string>;
