/**
 * Permission modes of the Claude Agent SDK that the agent server passes through, and the original
 * scripts' aliases (`acceptAll` → `bypassPermissions`, `manual` → `default`). Pure, no zod.
 */

export const PERMISSION_MODES = ['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** Names the original scripts documented, mapped to the SDK's modes. */
export const PERMISSION_MODE_ALIASES: Readonly<Record<string, PermissionMode>> = Object.freeze({
  acceptAll: 'bypassPermissions',
  manual: 'default',
});

/** The server's mode when the payload names none. */
export const DEFAULT_PERMISSION_MODE: PermissionMode = 'acceptEdits';

/** Every accepted value, modes then aliases (for help and error messages). */
export const PERMISSION_MODE_VALUES: readonly string[] = [...PERMISSION_MODES, ...Object.keys(PERMISSION_MODE_ALIASES)];

/** The SDK mode for `value` (aliases resolved), or `undefined` when it is neither a mode nor an alias. */
export function resolvePermissionMode(value: string): PermissionMode | undefined {
  const resolved = Object.hasOwn(PERMISSION_MODE_ALIASES, value) ? PERMISSION_MODE_ALIASES[value] : value;
  return (PERMISSION_MODES as readonly string[]).includes(resolved as string) ? (resolved as PermissionMode) : undefined;
}
