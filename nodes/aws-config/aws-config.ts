// aws-config: one place for region, credentials and endpoint; hands out SDK clients (one per kind,
// created lazily) to the AWS nodes and destroys them when the flow stops.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import {
  buildClientConfig,
  ClientCache,
  redactCredentials,
  type AwsClientConfig,
  type AwsClientSource,
  type AwsCredentialSettings,
  type AwsConfigSettings,
} from '../../src/aws/client-config';
import { toError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

type AwsConfigDef = NodeDef & AwsConfigSettings;
type AwsConfigNode = Node<AwsCredentialSettings> & AwsClientSource & { region?: string };

export = function (RED: NodeAPI) {
  function AwsConfig(this: AwsConfigNode, def: AwsConfigDef) {
    RED.nodes.createNode(this, def);
    let config: AwsClientConfig | undefined;
    let problem: Error | undefined;
    try {
      config = buildClientConfig(def, this.credentials ?? {});
    } catch (e) {
      problem = toError(e);
      this.error(`aws-config: ${problem.message}`);
    }
    const cache = config && new ClientCache(config);
    const redact = (text: string) => redactCredentials(text, config?.credentials);

    this.region = config?.region;
    this.redact = redact;
    this.client = (key, create) => {
      if (!cache) throw new Error(`aws-config: ${problem?.message}`);
      try {
        return cache.get(key, create);
      } catch (e) {
        // eslint-disable-next-line preserve-caught-error -- the original may hold a credential
        throw new Error(redact(toError(e).message));
      }
    };

    this.on('close', (_removed: boolean, done: () => void) => {
      cache?.destroyAll();
      done();
    });
  }

  registerNodeType(RED, 'emotion-aws-config', AwsConfig, {
    credentials: {
      // password-type: the editor's GET /credentials answers has_accessKeyId, never the id itself
      accessKeyId: { type: 'password' },
      secretAccessKey: { type: 'password' },
      sessionToken: { type: 'password' },
    },
  });
};
