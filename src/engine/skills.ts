/**
 * Load and validate a skills directory before any build (see src/core/skills.ts for the rules),
 * and copy it where the agent finds it.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseSkill, type Skill } from '../core/skills.js';
import { readBuildContext } from '../io/build-context.js';

/**
 * Read every `<dir>/<name>/SKILL.md`.
 * @returns the skills, sorted by name.
 * @throws UsageError listing every problem (missing dir, a subdirectory without SKILL.md, bad
 *   front matter), so the user fixes them all at once — before any build or upload.
 */
export async function loadSkills(dir: string, flag = '--skills'): Promise<Skill[]> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(`Skills directory ${root} does not exist or is not a directory.`, {
      hint: `Pass ${flag} <dir> with a directory holding <name>/SKILL.md for each skill.`,
      code: 'BAD_SKILLS',
    });
  }
  const entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const skills: Skill[] = [];
  const problems: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const content = await readFile(join(root, entry.name, 'SKILL.md'), 'utf8').catch(() => undefined);
    if (content === undefined) {
      problems.push(`${entry.name}/SKILL.md is missing.`);
      continue;
    }
    const parsed = parseSkill(entry.name, content);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else skills.push(parsed);
  }
  if (problems.length > 0) {
    throw new UsageError(`Invalid skills in ${root}:\n  - ${problems.join('\n  - ')}`, {
      hint: 'Each skill is <name>/SKILL.md starting with "---\\nname: <name>\\ndescription: <when to use it>\\n---".',
      code: 'BAD_SKILLS',
    });
  }
  if (skills.length === 0) {
    throw new UsageError(`No skills found in ${root} (expected <name>/SKILL.md).`, { code: 'BAD_SKILLS' });
  }
  return skills;
}

/** Copy the skills' directories into `dest` (e.g. a build context's `skills/`); symlinks are copied as links, never followed. */
export async function copySkills(root: string, skills: readonly Skill[], dest: string): Promise<void> {
  for (const skill of skills) {
    await cp(join(resolve(root), skill.dir), join(dest, skill.dir), { recursive: true, verbatimSymlinks: true });
  }
}

/** Directory of a build context where bundled skills go (the Dockerfile copies it to /app/skills). */
export const CONTEXT_SKILLS_DIR = 'skills';

export interface StagedContext {
  /** The staged build context: the agent's context plus `skills/<name>/…`. */
  dir: string;
  skills: Skill[];
  cleanup(): Promise<void>;
}

/**
 * Stage a build context that bundles skills: a temp copy of `contextDir` as `docker build` would
 * send it (`.dockerignore` applied) with the validated skills under `skills/`. The image's content
 * tag is computed on this copy, so changing a skill changes the tag.
 * @throws UsageError from {@link loadSkills} before anything is copied.
 */
export async function stageContextWithSkills(contextDir: string, skillsDir: string, flag = '--skills'): Promise<StagedContext> {
  const skills = await loadSkills(skillsDir, flag);
  const files = await readBuildContext(contextDir);
  const dir = await mkdtemp(join(tmpdir(), 'agentcore-claude-context-'));
  try {
    for (const file of files) {
      const target = join(dir, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      const content = file.content;
      if (typeof content === 'string' && content.startsWith('symlink:')) await symlink(content.slice('symlink:'.length), target);
      else await writeFile(target, content);
    }
    const dest = join(dir, CONTEXT_SKILLS_DIR);
    await rm(dest, { recursive: true, force: true });
    await mkdir(dest, { recursive: true });
    await copySkills(skillsDir, skills, dest);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, skills, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
