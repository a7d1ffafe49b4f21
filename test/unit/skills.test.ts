import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseSkill } from '../../src/core/skills.js';
import { loadSkills } from '../../src/engine/skills.js';

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

describe('loadSkills', () => {
  const temps: string[] = [];
  afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  function skillsDir(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'skills-'));
    temps.push(root);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  it('loads every skill, sorted', async () => {
    const root = skillsDir({ 'pdf-report/SKILL.md': good, 'a-skill/SKILL.md': '---\nname: a-skill\ndescription: A.\n---\n' });
    expect((await loadSkills(root)).map((s) => s.name)).toEqual(['a-skill', 'pdf-report']);
  });

  it('lists every problem at once', async () => {
    const root = skillsDir({ 'pdf-report/SKILL.md': good, 'empty/README.md': 'x', 'bad/SKILL.md': '---\nname: bad\n---\n' });
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
