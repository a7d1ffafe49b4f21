/**
 * Reading CloudFormation YAML templates: the short-form intrinsic functions (`!Ref`, `!Sub`,
 * `!GetAtt`, …) parsed into their long form (`{ Ref: … }`, `{ 'Fn::Sub': … }`), as CloudFormation
 * reads them (CloudFormation User Guide, "Intrinsic function reference").
 */
import { parse, type Tags } from 'yaml';

const SHORT_FORMS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Equals', 'Join', 'Select', 'Split', 'Not', 'And', 'Or', 'FindInMap', 'Base64', 'Cidr', 'GetAZs', 'ImportValue', 'Transform'];

/** `yaml` custom tags for every CloudFormation short form (scalar, sequence and mapping). */
export const CFN_YAML_TAGS: Tags = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) },
    ...(['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (node: { toJSON(): unknown }) => wrap(node.toJSON()),
    })),
  ];
});

/** A parsed template (the parts this CLI reads). */
export interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown; AllowedValues?: unknown[] }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}

/** Parse a YAML (or JSON) CloudFormation template. @throws Error on invalid YAML. */
export function parseTemplate(text: string): CfnTemplate {
  return parse(text, { customTags: CFN_YAML_TAGS }) as CfnTemplate;
}

/**
 * The resources a template creates when its parameters give these condition values: resources
 * whose `Condition` is in `falseConditions` are left out.
 */
export function templateResources(template: CfnTemplate, falseConditions: readonly string[] = []): Array<{ logicalId: string; type: string }> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => !resource.Condition || !falseConditions.includes(resource.Condition))
    .map(([logicalId, resource]) => ({ logicalId, type: resource.Type }));
}
