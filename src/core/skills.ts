/**
 * Claude skills bundled with the agent (`deploy --skills <dir>`, `dev --skills <dir>`): a
 * directory of `<name>/SKILL.md`, each starting with YAML front matter holding `name` and
 * `description`. Rules follow the Agent Skills format: `name` is 1–64 characters of lowercase
 * letters, digits and hyphens and equals its directory's name; `description` is 1–1024
 * characters. Pure: the caller reads the files.
 */
import { parse as parseYaml } from 'yaml';

export interface Skill {
  name: string;
  description: string;
  /** Directory of the skill, relative to the skills root (equals `name`). */
  dir: string;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Parse and validate one `SKILL.md`.
 * @param dir the skill's directory name; `name` must equal it.
 * @returns the skill, or the problems found (each a full sentence naming the file).
 */
export function parseSkill(dir: string, content: string): Skill | { problems: string[] } {
  const file = `${dir}/SKILL.md`;
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(content);
  if (!match) return { problems: [`${file} has no front matter: it must start with "---", then name/description, then "---".`] };
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (error) {
    return { problems: [`${file} front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const fields = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const name = fields.name;
  const description = fields.description;
  if (typeof name !== 'string' || name.length === 0) problems.push(`${file} front matter needs a "name".`);
  else if (name.length > 64 || !NAME.test(name)) problems.push(`${file}: name "${name}" must be 1–64 lowercase letters, digits and hyphens.`);
  else if (name !== dir) problems.push(`${file}: name "${name}" must equal its directory name "${dir}".`);
  if (typeof description !== 'string' || description.trim().length === 0) problems.push(`${file} front matter needs a "description" (what the skill does and when to use it).`);
  else if (description.length > 1024) problems.push(`${file}: description is ${description.length} characters; the limit is 1024.`);
  if (problems.length > 0) return { problems };
  return { name: name as string, description: (description as string).trim(), dir };
}
