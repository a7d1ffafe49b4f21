/**
 * Every command of the CLI, in `--help` order. One file per command in this folder.
 */
import type { Command } from 'commander';
import { apiKeyCommand } from './api-key.js';
import { deployCommand } from './deploy.js';
import { destroyCommand } from './destroy.js';
import { devCommand } from './dev.js';
import { downloadCommand } from './download.js';
import { execCommand } from './exec.js';
import { infoCommand } from './info.js';
import { invokeCommand } from './invoke.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { sessionsCommand } from './sessions.js';
import { statusCommand } from './status.js';

export const commands: Array<() => Command> = [
  deployCommand,
  invokeCommand,
  statusCommand,
  devCommand,
  infoCommand,
  listCommand,
  downloadCommand,
  sessionsCommand,
  execCommand,
  logsCommand,
  apiKeyCommand,
  destroyCommand,
];
