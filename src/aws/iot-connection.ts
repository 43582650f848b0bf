// One MQTT5 client per broker config node, shared by every in/out node that uses it (the pattern of
// Node-RED's core MQTT nodes): started when the first user registers, stopped when the last one leaves
// or the broker node closes. Clean sessions lose subscriptions, so they are sent again on every connect.
import { once } from 'node:events';
import type { mqtt5 as Mqtt5 } from 'aws-iot-device-sdk-v2';
import { loadIotSdk, type IotSdk } from './iot-sdk';
import { connectionError, iotError } from './iot-errors';
import { buildMqttConfig, type IotBrokerOptions } from './iot-options';
import { OfflineQueue, type Pending } from './iot-queue';
import { probeTls } from './iot-tls-probe';
import { coverSet, filterCovers, topicMatches } from './iot-topic';

export type IotState =
  | { state: 'idle' | 'connecting' | 'connected' }
  /** Lost or never reached; the client keeps retrying with backoff. */
  | { state: 'disconnected'; reason: Error }
  /** Cannot start at all (SDK missing, file missing): nothing retries until the config changes. */
  | { state: 'failed'; reason: Error };

export interface IotUser {
  onState(state: IotState): void;
}

export interface IotSubscription {
  filter: string;
  qos: 0 | 1;
  onMessage(topic: string, payload: Buffer): void;
  onError(err: Error): void;
}

export interface IotConnectionOptions extends IotBrokerOptions {
  /** QoS 1 messages kept while disconnected (oldest dropped beyond this). */
  offlineQueueLimit: number;
  onWarning?: (message: string) => void;
  loadSdk?: () => IotSdk;
  /** A connect still pending after this long is checked with Node's own TLS handshake (off when absent). */
  probeAfterMs?: number;
}

interface Outgoing {
  topic: string;
  payload: Buffer;
}

const SUBSCRIPTIONS_PER_PACKET = 8; // AWS IoT Core's limit per SUBSCRIBE
const STOP_TIMEOUT_MS = 5000;

export class IotConnection {
  private client?: Mqtt5.Mqtt5Client;
  private stopping?: Promise<void>;
  private current: IotState = { state: 'idle' };
  private readonly users = new Set<IotUser>();
  private readonly subs = new Map<IotUser, IotSubscription[]>();
  private readonly queue: OfflineQueue<Outgoing>;
  /** Filters the broker holds for this client (as far as we know), with their QoS. */
  private active = new Map<string, 0 | 1>();
  /** Set from a connect until the offline queue has been handed to the client. */
  private flushing?: Promise<void>;
  private closed = false;
  /** The last connection problem logged; cleared on connect, so each new problem is logged once. */
  private logged?: string;

  constructor(private readonly options: IotConnectionOptions) {
    this.queue = new OfflineQueue(options.offlineQueueLimit, (dropped, limit) =>
      options.onWarning?.(`offline queue full (${limit}): dropped the oldest message for ${dropped.topic}`));
  }

  get state(): IotState {
    return this.current;
  }

  register(user: IotUser): void {
    this.users.add(user);
    user.onState(this.current);
    this.ensureStarted();
  }

  /** Forgets the user and its subscriptions; stops the client when nobody is left. */
  async deregister(user: IotUser): Promise<void> {
    this.subs.delete(user);
    this.users.delete(user);
    if (this.users.size === 0) return this.stopClient(new Error('connection closed: no node uses it'));
    if (this.current.state === 'connected') await this.syncSubscriptions(false);
  }

  subscribe(user: IotUser, sub: IotSubscription): void {
    this.subs.set(user, [...(this.subs.get(user) ?? []), sub]);
    if (this.current.state === 'connected') void this.syncSubscriptions(false);
  }

  /** Resolves on PUBACK (QoS 1) or once written (QoS 0). QoS 1 waits in the offline queue while disconnected. */
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    const s = this.current;
    if (this.closed) return Promise.reject(new Error('connection closed'));
    if (s.state === 'failed') return Promise.reject(s.reason);
    if (s.state === 'connected' && this.client) {
      const client = this.client;
      // Right after a connect, wait for the queue to go out first, so messages keep their order.
      if (this.flushing) return this.flushing.then(() => this.send(client, { topic, payload }, qos));
      return this.send(client, { topic, payload }, qos);
    }
    if (qos === 0) return Promise.reject(new Error(`not connected: QoS 0 message for ${topic} not sent`));
    return this.queue.push({ topic, payload });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.users.clear();
    this.subs.clear();
    await this.stopClient(new Error('connection closed'));
  }

  private allSubs(): IotSubscription[] {
    return [...this.subs.values()].flat();
  }

  private setState(next: IotState): void {
    if (next.state === this.current.state && !('reason' in next)) return;
    this.current = next;
    for (const user of this.users) user.onState(next);
  }

  private ensureStarted(): void {
    // A failed start is not retried for each new node: the same config would fail the same way. Once every
    // node has left (a redeploy), the next one tries again, in case the files were fixed meanwhile.
    if (this.client || this.closed || this.users.size === 0 || this.current.state === 'failed') return;
    if (this.stopping) {
      void this.stopping.then(() => this.ensureStarted());
      return;
    }
    let client: Mqtt5.Mqtt5Client | undefined;
    try {
      const sdk = (this.options.loadSdk ?? loadIotSdk)();
      client = new sdk.mqtt5.Mqtt5Client(buildMqttConfig(sdk, this.options));
      this.client = client;
      this.listen(client);
      this.setState({ state: 'connecting' });
      client.start();
      this.probeWhenSlow(client);
    } catch (e) {
      this.client = undefined;
      try {
        client?.close(); // a client that was built but would not start still holds native resources
      } catch {
        // already reported below
      }
      const reason = iotError(e);
      this.queue.clear(reason);
      this.setState({ state: 'failed', reason });
    }
  }

  private listen(client: Mqtt5.Mqtt5Client): void {
    const mine = () => this.client === client;
    client.on('attemptingConnect', () => {
      // While retrying after a failure, keep showing why it failed rather than flickering.
      if (mine() && this.current.state !== 'disconnected') this.setState({ state: 'connecting' });
    });
    client.on('connectionSuccess', () => {
      if (!mine()) return;
      if (this.logged) this.options.onWarning?.(`connected to ${this.where()} again`);
      this.logged = undefined;
      this.setState({ state: 'connected' });
      const flushing = this.syncSubscriptions(true).then(() => {
        if (mine() && this.current.state === 'connected') this.queue.drain((entry) => this.forward(client, entry));
        if (this.flushing === flushing) this.flushing = undefined;
      });
      this.flushing = flushing;
    });
    client.on('connectionFailure', (e) => {
      if (mine()) this.disconnected(connectionError(e.error, e.connack), 'cannot connect to');
    });
    client.on('disconnection', (e) => {
      if (mine()) this.disconnected(iotError(e.error), 'lost the connection to');
    });
    client.on('messageReceived', (e) => {
      if (!mine()) return;
      const topic = e.message.topicName;
      const payload = toBuffer(e.message.payload);
      for (const sub of this.allSubs()) if (topicMatches(sub.filter, topic)) sub.onMessage(topic, payload);
    });
    client.on('error', (e) => this.options.onWarning?.(`MQTT client error: ${iotError(e).message}`));
  }

  /** A first connect still pending after probeAfterMs: find out with Node's TLS whether a certificate is to blame. */
  private probeWhenSlow(client: Mqtt5.Mqtt5Client): void {
    if (this.options.probeAfterMs === undefined) return;
    const timer = setTimeout(() => {
      if (this.client !== client || this.current.state !== 'connecting') return;
      void probeTls(this.options).then((err) => {
        if (err && this.client === client && this.current.state === 'connecting') this.disconnected(err, 'cannot connect to');
      });
    }, this.options.probeAfterMs);
    timer.unref();
  }

  /** Red status with the cause, and the cause in the log once (the client retries every few seconds). */
  private disconnected(reason: Error, what: string): void {
    if (this.closed || /USER_REQUESTED_STOP/.test((reason as { code?: string }).code ?? '')) {
      this.setState({ state: 'disconnected', reason });
      return;
    }
    if (reason.message !== this.logged) {
      this.logged = reason.message;
      this.options.onWarning?.(`${what} ${this.where()}: ${reason.message}; retrying`);
    }
    this.setState({ state: 'disconnected', reason });
  }

  private where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private send(client: Mqtt5.Mqtt5Client, out: Outgoing, qos: 0 | 1): Promise<void> {
    return client.publish({ topicName: out.topic, payload: out.payload, qos }).then(
      (result) => {
        // Reason codes below 128 are successes (16 = no matching subscribers).
        const code = (result as { reasonCode?: number } | undefined)?.reasonCode;
        if (code !== undefined && code >= 128) throw new Error(`publish to ${out.topic} refused by the broker, reason ${code}`);
      },
      (e: unknown) => { throw iotError(e); },
    );
  }

  private forward(client: Mqtt5.Mqtt5Client, entry: Pending<Outgoing>): void {
    this.send(client, entry.item, 1).then(entry.resolve, entry.reject);
  }

  /**
   * Brings the broker's subscriptions in line with the in-nodes' filters: new ones first (in packets of
   * at most 8), then unsubscribes what is no longer needed. `fresh`: a new connection, which holds none.
   */
  private async syncSubscriptions(fresh: boolean): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (fresh) this.active = new Map();
    const wanted = new Map<string, 0 | 1>();
    for (const s of this.allSubs()) wanted.set(s.filter, Math.max(wanted.get(s.filter) ?? 0, s.qos) as 0 | 1);
    const desired = coverSet(wanted);
    const toSubscribe = [...desired].filter(([f, qos]) => this.active.get(f) !== qos);
    const toDrop = [...this.active.keys()].filter((f) => !desired.has(f));
    this.active = desired;
    const batches: Promise<void>[] = [];
    for (let i = 0; i < toSubscribe.length; i += SUBSCRIPTIONS_PER_PACKET) {
      const batch = toSubscribe.slice(i, i + SUBSCRIPTIONS_PER_PACKET);
      const subscriptions = batch.map(([topicFilter, qos]) => ({ topicFilter, qos }));
      batches.push(client.subscribe({ subscriptions }).then(
        (suback) => suback.reasonCodes.forEach((code, j) => {
          if (code >= 128) this.failSubscription(batch[j][0], new Error(`subscription to ${batch[j][0]} refused by the broker, reason ${code}`));
        }),
        (e: unknown) => {
          // A subscribe cut short by a disconnect is sent again on the next connectionSuccess.
          if (this.current.state === 'connected') for (const [f] of batch) this.failSubscription(f, iotError(e));
        },
      ));
    }
    await Promise.all(batches);
    if (toDrop.length && this.client === client) await client.unsubscribe({ topicFilters: toDrop }).catch(() => undefined);
  }

  private failSubscription(filter: string, err: Error): void {
    this.active.delete(filter);
    for (const s of this.allSubs()) if (filterCovers(filter, s.filter)) s.onError(err);
  }

  private stopClient(reason: Error): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.queue.clear(reason);
    this.current = { state: 'idle' };
    if (!client) return this.stopping ?? Promise.resolve();
    // The native calls can throw: a redeploy must still finish, and the next start must not inherit a rejection.
    const warn = (e: unknown) => this.options.onWarning?.(`MQTT client did not close cleanly: ${iotError(e).message}`);
    let timer: NodeJS.Timeout | undefined;
    let stopped: Promise<unknown>;
    try {
      stopped = once(client, 'stopped').catch(() => undefined);
      // With a DISCONNECT (reason 0, normal): without one the broker sees the connection drop, as if lost.
      client.stop({ reasonCode: 0 });
    } catch (e) {
      warn(e);
      stopped = Promise.resolve();
    }
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS); });
    const done: Promise<void> = Promise.race([stopped, timeout])
      .then(() => client.close())
      .catch(warn)
      .finally(() => {
        clearTimeout(timer);
        if (this.stopping === done) this.stopping = undefined;
      });
    this.stopping = done;
    return done;
  }
}

function toBuffer(payload: unknown): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  if (payload instanceof ArrayBuffer) return Buffer.from(payload);
  if (ArrayBuffer.isView(payload)) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(String(payload));
}
