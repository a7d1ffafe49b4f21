/**
 * Every command of the CLI, in `--help` order. One file per command in this folder.
 */
import type { Command } from 'commander';
import { devCommand } from './dev.js';
import { invokeCommand } from './invoke.js';

export const commands: Array<() => Command> = [
  devCommand,
  invokeCommand,
];
