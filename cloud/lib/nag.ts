// cdk-nag acknowledgements, always with their reason in code. A wildcard finding is named by the
// ARN as cdk-nag prints it (tokens as <AWS::Region> etc.), so it is built from the same ARN here.
import { Stack, Validations, type App, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
// cdk-nag's own renderer, so the acknowledged id is exactly the one it reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/** The rule packs every synth of the app runs (and fails on): AWS Solutions and HIPAA Security. */
export function nagPacks(app: App): IPolicyValidationPlugin[] {
  return [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app)];
}

/** Acknowledges whole rules on one construct (and everything under it). */
export function acknowledge(scope: IConstruct, reasons: Record<string, string>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard resources (ARN strings or tokens). */
export function acknowledgeWildcardResources(scope: IConstruct, reason: string, arns: readonly string[]): void {
  const stack = Stack.of(scope);
  for (const arn of arns) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(arn))}]`, reason });
  }
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard actions. */
export function acknowledgeWildcardActions(scope: IConstruct, reason: string, actions: readonly string[]): void {
  for (const action of actions) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
}
