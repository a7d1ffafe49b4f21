/**
 * Every command of the CLI, in `--help` order. One file per command in this folder.
 */
import type { Command } from 'commander';
import { downloadCommand } from './download.js';

export const commands: Array<() => Command> = [downloadCommand];
