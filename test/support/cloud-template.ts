// Checks on a synthesized CloudFormation template that no validator makes: the service-side limits
// CloudFormation only reports at deploy time, and least privilege in every IAM statement.

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Firehose: format conversion needs SizeInMBs >= 64 and dynamic partitioning an interval >= 60 s. */
export function firehoseBufferingProblems(resources: Resources): string[] {
  const problems: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::KinesisFirehose::DeliveryStream') continue;
    const dest = (r.Properties?.ExtendedS3DestinationConfiguration ?? {}) as {
      DataFormatConversionConfiguration?: { Enabled?: boolean };
      DynamicPartitioningConfiguration?: { Enabled?: boolean };
      BufferingHints?: { SizeInMBs?: number; IntervalInSeconds?: number };
      CompressionFormat?: string;
    };
    const converts = dest.DataFormatConversionConfiguration?.Enabled === true;
    const partitions = dest.DynamicPartitioningConfiguration?.Enabled === true;
    if (!converts && !partitions) continue;
    // Firehose's own default when conversion is on is 128 MiB, which meets the minimum.
    const size = dest.BufferingHints?.SizeInMBs ?? 128;
    const interval = dest.BufferingHints?.IntervalInSeconds ?? 300;
    if (size < 64) problems.push(`${id}: BufferingHints.SizeInMBs ${size} < 64, which format conversion and dynamic partitioning require`);
    if (partitions && interval < 60) problems.push(`${id}: BufferingHints.IntervalInSeconds ${interval} < 60, which dynamic partitioning requires`);
    if (converts && dest.CompressionFormat !== undefined && dest.CompressionFormat !== 'UNCOMPRESSED') {
      problems.push(`${id}: CompressionFormat ${dest.CompressionFormat}: format conversion needs UNCOMPRESSED`);
    }
  }
  return problems;
}

export interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** Every identity-policy statement in the template (IAM policies, inline role policies), with where it is. */
export function identityStatements(resources: Resources): { where: string; statement: Statement }[] {
  const out: { where: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of (r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) docs.push(p.PolicyDocument);
    for (const doc of docs) for (const statement of (doc as { Statement: Statement[] }).Statement) out.push({ where: id, statement });
  }
  return out;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Actions that have no resource type in IAM: `*` is the only resource they take. */
const ONLY_STAR_RESOURCE = new Set(['cloudwatch:PutMetricData']);

/** A `*` action, a `service:*` action, or a bare `*` resource where the actions allow a narrower one. */
export function wildcardProblems(statements: { where: string; statement: Statement }[]): string[] {
  const problems: string[] = [];
  for (const { where, statement } of statements) {
    if (statement.Effect !== 'Allow') continue;
    for (const a of list(statement.Action)) if (a === '*' || /^[a-z0-9-]+:\*$/.test(String(a))) problems.push(`${where}: action ${String(a)}`);
    const narrowable = list(statement.Action).some((a) => !ONLY_STAR_RESOURCE.has(String(a)));
    for (const r of list(statement.Resource)) if (r === '*' && narrowable) problems.push(`${where}: resource * for ${list(statement.Action).join(', ')}`);
  }
  return problems;
}

export type AslState = Record<string, unknown> & { Type: string; Next?: string; Resource?: string; Parameters?: Record<string, unknown> };
export type AslDefinition = { StartAt: string; States: Record<string, AslState> };

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };

/**
 * The template's state machine definition as deployed: pseudo parameters and function ARNs filled in as
 * CloudFormation would, other references left as readable text.
 */
export function definitionOf(template: { Resources: Resources }): AslDefinition {
  const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
  const body = machine.Properties!.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const render = (p: unknown) => {
    if (typeof p === 'string') return p;
    const ref = (p as { Ref?: string }).Ref;
    if (ref && PSEUDO[ref]) return PSEUDO[ref];
    const att = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (att?.[1] === 'Arn') return `arn:aws:lambda:eu-west-1:123456789012:function:${att[0]}`;
    return `<${JSON.stringify(p).replace(/"/g, "'")}>`;
  };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map(render).join('');
  return JSON.parse(text) as AslDefinition;
}
