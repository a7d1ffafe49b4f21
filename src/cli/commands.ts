/**
 * Every command of the CLI, in `--help` order. One file per command in this folder.
 */
import type { Command } from 'commander';
import { apiKeyCommand } from './api-key.js';
import { deployCommand } from './deploy.js';
import { sessionsCommand } from './sessions.js';

export const commands: Array<() => Command> = [deployCommand, apiKeyCommand, sessionsCommand];
