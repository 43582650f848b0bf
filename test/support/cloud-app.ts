// Synthesizes the cloud/ CDK app in a test, offline: the context of cloud/cdk.json, a temporary
// outdir, the app's cdk-nag packs (AwsSolutions, HIPAA Security) as validation plugins. Synthesis bundles
// the inference Lambda with the local esbuild (no Docker).
import { App, Stack, Validations, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmotionCloudStack, type EmotionCloudProps } from '../../cloud/lib/emotion-stack';
import { nagPacks } from '../../cloud/lib/nag';

const CDK_JSON = join(__dirname, '..', '..', 'cloud', 'cdk.json');

export interface PluginReport {
  pluginName: string;
  report: PolicyValidationPluginReport;
}

/** Keeps what a plugin reported: the report file leaves out plugins that found nothing. */
class Recorded implements IPolicyValidationPlugin {
  constructor(
    private readonly inner: IPolicyValidationPlugin,
    private readonly into: PluginReport[],
  ) {}

  get name(): string {
    return this.inner.name;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    this.into.push({ pluginName: this.inner.name, report });
    return report;
  }
}

export interface Synthesized {
  app: App;
  stack: EmotionCloudStack;
  outdir: string;
  templatePath: string;
  /** the template as CloudFormation receives it */
  template: Record<string, unknown> & { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** the cdk-nag packs' reports */
  reports: PluginReport[];
  /** the error synth threw, when a plugin found a violation */
  synthError?: Error;
  cleanup(): void;
}

export function synthCloud(props: Partial<EmotionCloudProps> = {}, opts: { nag?: boolean; bundle?: boolean } = {}): Synthesized {
  const context = { ...(JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> }).context };
  if (opts.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const outdir = mkdtempSync(join(tmpdir(), 'emotion-cdk-'));
  const app = new App({ outdir, context });
  const stack = new EmotionCloudStack(app, 'emotion-cloud', { prefix: 'emotion', ...props });
  const reports: PluginReport[] = [];
  if (opts.nag !== false) {
    Validations.of(app).addPlugins(...nagPacks(app).map((pack) => new Recorded(pack, reports)));
  }
  let synthError: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    synthError = e as Error;
  }
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  const templatePath = join(outdir, 'emotion-cloud.template.json');
  return {
    app,
    stack,
    outdir,
    templatePath,
    template: read('emotion-cloud.template.json'),
    reports,
    synthError,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/**
 * One construct on a bare Stack (no bundling: the functions' code is checked where it is tested), with
 * the stack key and a records bucket it may build on; the template it synthesizes to.
 */
export function synthConstruct(build: (stack: Stack, deps: { key: kms.Key; bucket: s3.Bucket }) => void): Record<string, unknown> & { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'bare');
  build(stack, { key: new kms.Key(stack, 'Key'), bucket: new s3.Bucket(stack, 'Bucket') });
  return Template.fromStack(stack).toJSON() as ReturnType<typeof synthConstruct>;
}
