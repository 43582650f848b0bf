// What aws-iot-in and aws-iot-out share: find the broker config node, register with its connection,
// mirror the connection state in the node status, and deregister on close.
import type { Node, NodeAPI } from 'node-red';
import type { IotConnection, IotState, IotUser } from '../../src/aws/iot-connection';
import { translateAddonError, translator, type Translate } from '../lib/i18n';
import { shortReason, status, toError } from '../lib/node-kit';

export interface IotBrokerCredentials {
  certPem?: string;
  keyPem?: string;
  caPem?: string;
}

export interface IotBrokerNode extends Node<IotBrokerCredentials> {
  connection?: IotConnection;
  /** Why the connection could not be set up (bad config). */
  problem?: Error;
  /** A node's topic under the broker's prefix. */
  topic(topic: string): string;
}

export interface BrokerLink {
  broker: IotBrokerNode;
  connection: IotConnection;
  user: IotUser;
  /** Puts the node's status back to the connection state (after a per-message error). */
  showState(): void;
}

function attempt(fn: () => void): Error | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return toError(e);
  }
}

/** The texts are "aws-iot.*" keys, which the catalogues of aws-iot-in and aws-iot-out both hold (RED._ reads the caller's). */
function showState(t: Translate, node: Node, s: IotState): void {
  switch (s.state) {
    case 'connecting': return status.warn(node, t('aws-iot.status.connecting'));
    case 'connected': return status.ok(node, t('aws-iot.status.connected'));
    case 'disconnected': return status.error(node, t('aws-iot.status.disconnected', { reason: shortReason(s.reason, 40) }));
    case 'failed': {
      const reason = toError(translateAddonError(t, 'aws-iot', s.reason)) as Error & { status?: string };
      return status.error(node, reason.status ?? shortReason(reason, 96)); // long enough to name the file
    }
    default: return status.clear(node);
  }
}

/**
 * Links the node to its broker, or sets a red status and logs why not (returns undefined): no broker,
 * a broker with a bad config, or a failed `check` of the node's own settings against the broker.
 * A connection that cannot start at all is reported once through node.error, so a Catch node sees it.
 */
export function linkBroker(
  RED: NodeAPI, node: Node, brokerId: string, context: { topic: string }, check?: (broker: IotBrokerNode) => void,
): BrokerLink | undefined {
  const t = translator(RED);
  const broker = RED.nodes.getNode(brokerId) as IotBrokerNode | null;
  const problem = !broker ? new Error(t('aws-iot.errors.noBroker')) : broker.problem ?? attempt(() => check?.(broker));
  if (problem || !broker?.connection) {
    const unavailable = t('aws-iot.errors.unavailable');
    status.error(node, problem ?? unavailable);
    node.error(problem?.message ?? unavailable, { ...context, payload: undefined });
    return undefined;
  }
  const connection = broker.connection;
  let reported: Error | undefined;
  const user: IotUser = {
    onState: (s) => {
      showState(t, node, s);
      if (s.state === 'failed' && s.reason !== reported) {
        reported = s.reason;
        node.error(toError(translateAddonError(t, 'aws-iot', s.reason)).message, { ...context, payload: undefined });
      }
    },
  };
  node.on('close', (_removed: boolean, done: () => void) => {
    connection.deregister(user).then(done, () => done());
  });
  connection.register(user);
  return { broker, connection, user, showState: () => showState(t, node, connection.state) };
}
