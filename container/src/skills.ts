/**
 * Bundled Claude skills: `SKILLS_DIR` (in the image `/app/skills`, from `deploy --skills`; locally
 * from `dev --skills`) holds `<name>/SKILL.md` directories. Each session workspace gets a copy
 * under `.claude/skills/`, where Claude Code discovers project skills.
 */
import { existsSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
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

/** Copy the named skills from `dir` into `<workspace>/.claude/skills/` (replacing older copies). */
export async function installSkills(dir: string, names: readonly string[], workspace: string): Promise<void> {
  for (const name of names) {
    await cp(join(dir, name), join(workspace, WORKSPACE_SKILLS_DIR, name), { recursive: true, force: true, verbatimSymlinks: true });
  }
}
