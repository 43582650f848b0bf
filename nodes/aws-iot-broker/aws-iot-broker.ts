// aws-iot-broker: the AWS IoT Core endpoint and device certificate. Owns one MQTT5 client shared by
// every aws-iot-in / aws-iot-out node that names it; the client starts when the first of them
// registers and stops when the flow is redeployed or stopped.
import type { NodeAPI, NodeDef } from 'node-red';
import { IotConnection } from '../../src/aws/iot-connection';
import { BROKER_DEFAULTS } from '../../src/aws/iot-options';
import { loadIotSdk } from '../../src/aws/iot-sdk';
import { withPrefix } from '../../src/aws/iot-topic';
import { configNumber, toError, userDir } from '../lib/node-kit';
import type { IotBrokerNode } from './broker-user';
import { registerNodeType } from '../lib/migrations';

interface IotBrokerDef extends NodeDef {
  host: string;
  port: string;
  clientId: string;
  certPath: string;
  keyPath: string;
  caPath: string;
  topicPrefix: string;
  keepAlive: string;
  cleanSession: boolean;
  minReconnectDelay: string;
  maxReconnectDelay: string;
  queueLimit: string;
}

const DEFAULT_QUEUE_LIMIT = 1000;
const THING_PLACEHOLDER = '{thing}';
/** A connect pending this long is checked with Node's TLS: aws-crt names a refused certificate only after 10-25 s. */
const PROBE_AFTER_MS = 3000;

export = function (RED: NodeAPI) {
  function AwsIotBroker(this: IotBrokerNode, def: IotBrokerDef) {
    RED.nodes.createNode(this, def);
    const creds = this.credentials ?? {};
    const prefix = def.topicPrefix ?? 'iotsensors';
    const clientId = def.clientId || `emotion-iot-${Math.random().toString(16).slice(2, 10)}`;
    // "{thing}" in a node's topic is this connection's client id, the thing name on AWS IoT: one flow
    // serves every Pi (iotsensors/infer/result/{thing} is each device's own answers).
    this.topic = (topic) => withPrefix(prefix, topic.split(THING_PLACEHOLDER).join(clientId));
    try {
      const minReconnectDelayMs = configNumber(def.minReconnectDelay, 'min reconnect delay', { min: 10, fallback: BROKER_DEFAULTS.minReconnectDelayMs });
      this.connection = new IotConnection({
        host: def.host,
        port: configNumber(def.port, 'port', { min: 1, max: 65535, fallback: BROKER_DEFAULTS.port }),
        clientId,
        cert: { path: def.certPath, pem: creds.certPem },
        key: { path: def.keyPath, pem: creds.keyPem },
        ca: { path: def.caPath, pem: creds.caPem },
        keepAliveSeconds: configNumber(def.keepAlive, 'keep-alive', { min: 30, max: 1200, fallback: BROKER_DEFAULTS.keepAliveSeconds }),
        cleanSession: def.cleanSession !== false,
        minReconnectDelayMs,
        maxReconnectDelayMs: configNumber(def.maxReconnectDelay, 'max reconnect delay', { min: minReconnectDelayMs, fallback: Math.max(minReconnectDelayMs, BROKER_DEFAULTS.maxReconnectDelayMs) }),
        offlineQueueLimit: configNumber(def.queueLimit, 'offline queue limit', { min: 0, fallback: DEFAULT_QUEUE_LIMIT }),
        onWarning: (message) => this.warn(message),
        probeAfterMs: PROBE_AFTER_MS,
        loadSdk: () => loadIotSdk({ fallbackDir: userDir(RED) }),
      });
    } catch (e) {
      this.problem = toError(e);
      this.error(`aws-iot-broker: ${this.problem.message}`);
    }

    this.on('close', (_removed: boolean, done: () => void) => {
      const closing = this.connection?.close() ?? Promise.resolve();
      closing.then(done, (e: unknown) => {
        this.warn(`aws-iot-broker: ${toError(e).message}`);
        done();
      });
    });
  }

  registerNodeType(RED, 'emotion-aws-iot-broker', AwsIotBroker, {
    credentials: {
      certPem: { type: 'text' },
      keyPem: { type: 'password' },
      caPem: { type: 'text' },
    },
  });
};
