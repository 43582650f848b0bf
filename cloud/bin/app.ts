// The CDK app: one EmotionCloud stack named after the prefix. `npm run cloud:synth` writes its
// template to cloud/cdk.out/ with no account and no network.
import { App, Validations } from 'aws-cdk-lib';
import { EmotionCloudStack } from '../lib/emotion-stack';
import { nagPacks } from '../lib/nag';
import { readSettings } from '../lib/settings';

const app = new App();
const settings = readSettings(app.node, process.env);
new EmotionCloudStack(app, `${settings.prefix}-cloud`, {
  ...settings,
  description: 'node-red-contrib-emotion-iot: IoT rules, Firehose to Parquet, inference Lambda, SNS',
});
// A finding nobody acknowledged (with its reason) stops synth and deploy.
Validations.of(app).addPlugins(...nagPacks(app));
app.synth();
