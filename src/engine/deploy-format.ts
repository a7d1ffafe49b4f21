/**
 * The deploy plan in words, for humans (stderr). `--json` prints the plan value itself.
 */
import type { DeployPlan } from '../core/plan.js';

const SYMBOL: Record<string, string> = { Add: '+', Modify: '~', Remove: '-', Import: '<', Dynamic: '?' };

/** The plan as lines: one per part (stack, image, runtime) and one per resource change. */
export function formatPlan(plan: DeployPlan): string[] {
  const lines = [`Plan for ${plan.agentName} in ${plan.region} (account ${plan.account}), model ${plan.model}:`];
  const { stack, image, runtime } = plan;
  lines.push(`  stack    ${stack.name}: ${stack.action} (${stack.status ? `${stack.status}; ` : ''}${stack.reason})`);
  for (const change of stack.changes) {
    const replace = change.replacement === 'True' ? ' [replacement]' : change.replacement === 'Conditional' ? ' [may replace]' : '';
    lines.push(`             ${SYMBOL[change.action] ?? change.action} ${change.logicalId} (${change.type})${replace}`);
  }
  const { artifact } = plan;
  if (image) {
    const build = image.build === 'codebuild' ? 'build (codebuild): zip the context to S3, build linux/arm64 in CodeBuild and push' : 'build linux/arm64 and push';
    lines.push(`  image    ${image.tag}: ${image.action === 'reuse' ? 'reuse (already in the repository)' : build}`);
  }
  else {
    const where = artifact.location ? ` → ${artifact.location}` : '';
    lines.push(`  artifact code ${artifact.tag}: ${artifact.action === 'reuse' ? `reuse (already uploaded)${where}` : `upload (install for linux/arm64, zip, upload)${where}`}`);
  }
  const renamed = runtime.renamedFrom ? ` (from agent name "${runtime.renamedFrom}")` : '';
  const why = runtime.reasons.length ? ` (${runtime.reasons.join(', ')})` : runtime.action === 'none' ? ' (configuration unchanged)' : '';
  lines.push(`  runtime  ${runtime.name}${renamed}: ${runtime.action}${why}`);
  if (!plan.changes) lines.push('No changes: everything is up to date.');
  return lines;
}
