import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseSkill } from '../../src/core/skills.js';
import { loadSkills, stageContextWithSkills } from '../../src/engine/skills.js';
import { buildContextTag } from '../../src/io/build-context.js';

const good = '---\nname: pdf-report\ndescription: Build PDF reports from CSV files. Use when asked for a report.\n---\n# How\n';

describe('parseSkill', () => {
  it('accepts a valid SKILL.md', () => {
    expect(parseSkill('pdf-report', good)).toEqual({ name: 'pdf-report', description: 'Build PDF reports from CSV files. Use when asked for a report.', dir: 'pdf-report' });
  });
  it.each([
    ['no front matter', '# just text', /has no front matter/],
    ['missing name', '---\ndescription: d\n---\n', /needs a "name"/],
    ['missing description', '---\nname: x\n---\n', /needs a "description"/],
    ['bad name', '---\nname: Bad_Name\ndescription: d\n---\n', /lowercase letters, digits and hyphens/],
    ['name ≠ dir', '---\nname: other\ndescription: d\n---\n', /must equal its directory name "x"/],
    ['bad yaml', '---\nname: [x\n---\n', /not valid YAML/],
  ])('%s', (_case, content, problem) => {
    const result = parseSkill('x', content);
    expect('problems' in result && result.problems.join(' ')).toMatch(problem);
  });
});

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp directory holding `files` (relative path → content). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'skills-'));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('loadSkills', () => {

  it('loads every skill, sorted', async () => {
    const root = tree({ 'pdf-report/SKILL.md': good, 'a-skill/SKILL.md': '---\nname: a-skill\ndescription: A.\n---\n' });
    expect((await loadSkills(root)).map((s) => s.name)).toEqual(['a-skill', 'pdf-report']);
  });

  it('lists every problem at once', async () => {
    const root = tree({ 'pdf-report/SKILL.md': good, 'empty/README.md': 'x', 'bad/SKILL.md': '---\nname: bad\n---\n' });
    const error = await loadSkills(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('empty/SKILL.md is missing.');
    expect((error as Error).message).toContain('bad/SKILL.md front matter needs a "description"');
  });

  it('rejects a missing directory with the flag to fix it', async () => {
    const error = await loadSkills('/nonexistent/skills').catch((e: UsageError) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toContain('--skills');
  });
});

describe('stageContextWithSkills', () => {

  it('copies the context as docker sends it plus skills/, and the tag follows the skills', async () => {
    const context = tree({ Dockerfile: 'FROM node:20\n', 'src/main.ts': 'x', 'node_modules/big/index.js': 'y', '.dockerignore': 'secret.env\n', 'secret.env': 'K=V', 'skills/README.md': 'placeholder' });
    const skills = tree({ 'pdf-report/SKILL.md': good, 'pdf-report/scripts/run.py': 'print()' });
    const staged = await stageContextWithSkills(context, skills);
    temps.push(staged.dir);
    expect(existsSync(join(staged.dir, 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(staged.dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(staged.dir, 'secret.env'))).toBe(false);
    expect(readFileSync(join(staged.dir, 'skills', 'pdf-report', 'scripts', 'run.py'), 'utf8')).toBe('print()');
    expect(existsSync(join(staged.dir, 'skills', 'README.md'))).toBe(false);

    const tag = await buildContextTag(staged.dir);
    expect(tag).not.toBe(await buildContextTag(context));
    writeFileSync(join(skills, 'pdf-report', 'SKILL.md'), good.replace('Build PDF', 'Build nice PDF'));
    const again = await stageContextWithSkills(context, skills);
    temps.push(again.dir);
    expect(await buildContextTag(again.dir)).not.toBe(tag);
    await staged.cleanup();
    expect(existsSync(staged.dir)).toBe(false);
  });

  it('fails on invalid skills before copying anything', async () => {
    const context = tree({ Dockerfile: 'FROM node:20\n' });
    const skills = tree({ 'bad/SKILL.md': 'no front matter' });
    await expect(stageContextWithSkills(context, skills)).rejects.toThrow(/has no front matter/);
  });
});
