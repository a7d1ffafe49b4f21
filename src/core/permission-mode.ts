/**
 * `--permission-mode`: the protocol's permission modes and aliases (`@agentcore-claude/protocol`
 * permission-modes.ts), refused with a usage error here.
 */
import { PERMISSION_MODE_VALUES, resolvePermissionMode } from '@agentcore-claude/protocol';
import { UsageError } from './errors.js';

export { PERMISSION_MODE_ALIASES, PERMISSION_MODES } from '@agentcore-claude/protocol';

/**
 * The SDK mode for a `--permission-mode` value (aliases resolved).
 * @throws UsageError listing the accepted values.
 */
export function parsePermissionMode(value: string): string {
  const resolved = resolvePermissionMode(value);
  if (resolved) return resolved;
  throw new UsageError(`Unknown permission mode "${value}".`, {
    hint: `Use one of: ${PERMISSION_MODE_VALUES.join(', ')}.`,
    code: 'BAD_PERMISSION_MODE',
  });
}
