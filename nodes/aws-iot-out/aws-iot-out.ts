// aws-iot-out: publishes msg.payload (objects as JSON) to AWS IoT Core through the broker's shared
// MQTT5 client. QoS 1 messages wait in the broker's bounded offline queue while disconnected, and the
// message is done only when the broker acknowledges it.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { encodePayload, validateTopicName } from '../../src/aws/iot-topic';
import { onInput } from '../lib/node-kit';
import { linkBroker } from '../aws-iot-broker/broker-user';
import { registerNodeType } from '../lib/migrations';

interface IotOutDef extends NodeDef {
  broker: string;
  topic: string;
  qos: string;
}

export = function (RED: NodeAPI) {
  function AwsIotOut(this: Node, def: IotOutDef) {
    RED.nodes.createNode(this, def);
    const qos: 0 | 1 = def.qos === '0' ? 0 : 1;
    const link = linkBroker(RED, this, def.broker, { topic: def.topic });

    onInput(this, async (msg) => {
      if (!link) throw new Error('no usable aws-iot-broker: see the node status');
      const relative = def.topic || (typeof msg.topic === 'string' ? msg.topic : '');
      if (!relative) throw new Error('no topic: set one in the node or send msg.topic');
      const topic = validateTopicName(link.broker.topic(relative));
      await link.connection.publish(topic, encodePayload(msg.payload), qos);
      link.showState();
    });
  }

  registerNodeType(RED, 'emotion-aws-iot-out', AwsIotOut);
};
