/**
 * Bundled Claude skills: `SKILLS_DIR` (in the image `/app/skills`, from `deploy --skills`; locally
 * from `dev --skills`) holds `<name>/SKILL.md` directories. Each session workspace gets a copy
 * under `.claude/skills/`, where Claude Code discovers project skills.
 */
import { existsSync } from 'node:fs';
import { cp, lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Workspace-relative directory Claude Code reads project skills from. */
export const WORKSPACE_SKILLS_DIR = join('.claude', 'skills');

/** Names of the skills in `dir` (subdirectories holding a SKILL.md), sorted; [] when `dir` is absent. */
export async function bundledSkills(dir: string | undefined): Promise<string[]> {
  if (!dir || !existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'SKILL.md')))
    .map((e) => e.name)
    .sort();
}

/**
 * Copy the named skills from `dir` into `<workspace>/.claude/skills/` (replacing older copies).
 * The workspace is the agent's: a `.claude` or `.claude/skills` that is a symlink (or not a
 * directory) is removed first, and each skill's folder is replaced whole, so the copy never writes
 * through a link the agent planted and never fails on what the agent made of the folder.
 */
export async function installSkills(dir: string, names: readonly string[], workspace: string): Promise<void> {
  const skillsRoot = join(workspace, WORKSPACE_SKILLS_DIR);
  for (const path of [join(workspace, '.claude'), skillsRoot]) await removeUnlessDirectory(path);
  // Whatever the agent made of a bundled skill's folder, the bundled copy replaces it whole.
  for (const name of names) await rm(join(skillsRoot, name), { recursive: true, force: true });
  for (const name of names) {
    await cp(join(dir, name), join(workspace, WORKSPACE_SKILLS_DIR, name), { recursive: true, force: true, verbatimSymlinks: true });
  }
}

async function removeUnlessDirectory(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat && !stat.isDirectory()) await rm(path, { force: true });
}
