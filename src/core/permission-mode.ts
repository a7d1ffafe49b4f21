/**
 * Permission modes accepted by the agent server (the Claude Agent SDK's modes) and the original
 * scripts' aliases: `acceptAll` → `bypassPermissions`, `manual` → `default`.
 */
import { UsageError } from './errors.js';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk'] as const;
export const PERMISSION_MODE_ALIASES = { acceptAll: 'bypassPermissions', manual: 'default' } as const;

/**
 * The SDK mode for a `--permission-mode` value (aliases resolved).
 * @throws UsageError listing the accepted values.
 */
export function parsePermissionMode(value: string): string {
  const resolved = (PERMISSION_MODE_ALIASES as Record<string, string>)[value] ?? value;
  if ((PERMISSION_MODES as readonly string[]).includes(resolved)) return resolved;
  throw new UsageError(`Unknown permission mode "${value}".`, {
    hint: `Use one of: ${[...PERMISSION_MODES, ...Object.keys(PERMISSION_MODE_ALIASES)].join(', ')}.`,
    code: 'BAD_PERMISSION_MODE',
  });
}
