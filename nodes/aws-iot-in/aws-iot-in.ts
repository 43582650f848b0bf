// aws-iot-in: subscribes to a topic filter (wildcards allowed) on the broker's shared MQTT5 client
// and emits each message with msg.topic set, the payload as parsed JSON, a string or a Buffer.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { decodePayload, validateTopicFilter, type PayloadFormat } from '../../src/aws/iot-topic';
import { status, toError } from '../lib/node-kit';
import { linkBroker } from '../aws-iot-broker/broker-user';
import { registerNodeType } from '../lib/migrations';

interface IotInDef extends NodeDef {
  broker: string;
  topic: string;
  qos: string;
  format: PayloadFormat;
}

const FORMATS: PayloadFormat[] = ['auto', 'json', 'string', 'buffer'];

export = function (RED: NodeAPI) {
  function AwsIotIn(this: Node, def: IotInDef) {
    RED.nodes.createNode(this, def);
    const format = FORMATS.includes(def.format) ? def.format : 'auto';
    let filter = '';
    const link = linkBroker(RED, this, def.broker, { topic: def.topic }, (broker) => {
      filter = validateTopicFilter(broker.topic(def.topic));
    });
    if (!link) return;

    link.connection.subscribe(link.user, {
      filter,
      qos: def.qos === '0' ? 0 : 1,
      onMessage: (topic, bytes) => {
        try {
          this.send({ topic, payload: decodePayload(bytes, format) });
        } catch (e) {
          this.error(toError(e).message, { topic, payload: bytes.toString('utf8') });
        }
      },
      onError: (err) => {
        status.error(this, err);
        this.error(err.message, { topic: filter, payload: undefined });
      },
    });
  }

  registerNodeType(RED, 'emotion-aws-iot-in', AwsIotIn);
};
