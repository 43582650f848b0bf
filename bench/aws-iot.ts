// AWS IoT transport figures on a local mutual-TLS Mosquitto (the test fixture): connect time, QoS 1
// publish-to-PUBACK and publish-to-delivery latency through the shared connection, pipelined throughput,
// and how long queued messages take to arrive after a broker restart. The SDK's AWS IoT Core flow control
// (at most 100 publishes/s per connection, as IoT Core enforces) is on, as it is in the nodes.
// Run: npx tsx bench/aws-iot.ts
import { performance } from 'node:perf_hooks';
import { startBroker } from '../test/support/mosquitto';
import { IotConnection, type IotState } from '../src/aws/iot-connection';

const ROUND_TRIPS = 300;
const BURST = 500;
const QUEUED = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `median ${percentile(s, 50).toFixed(2)} ms, p95 ${percentile(s, 95).toFixed(2)} ms, max ${s[s.length - 1].toFixed(2)} ms`;
}

async function main() {
  const broker = await startBroker(['emotion-pi']);
  const me = broker.clients['emotion-pi'];
  const conn = new IotConnection({
    host: 'localhost', port: broker.port, clientId: 'emotion-pi', cert: { path: me.cert }, key: { path: me.key },
    ca: { path: broker.caPath }, keepAliveSeconds: 60, cleanSession: true, minReconnectDelayMs: 100,
    maxReconnectDelayMs: 200, offlineQueueLimit: QUEUED,
  });
  let onState: (s: IotState) => void = () => {};
  const waitState = (want: IotState['state']) => new Promise<void>((resolve) => {
    onState = (s) => { if (s.state === want) resolve(); };
  });
  const user = { onState: (s: IotState) => onState(s) };
  const arrivals = new Map<number, number>();
  let received = 0;
  let onReceived = () => {};

  const connected = waitState('connected');
  const t0 = performance.now();
  conn.register(user);
  conn.subscribe(user, {
    filter: 'iotsensors/bench', qos: 1, onError: (e) => { throw e; },
    onMessage: (_t, payload) => { arrivals.set(JSON.parse(payload.toString()).i, performance.now()); received += 1; onReceived(); },
  });
  await connected;
  console.log(`connect (TLS handshake + CONNACK, RSA 2048): ${(performance.now() - t0).toFixed(1)} ms`);
  await new Promise((r) => setTimeout(r, 200)); // let the SUBACK land

  const puback: number[] = [];
  const delivery: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = performance.now();
    const got = new Promise<void>((resolve) => { onReceived = () => { if (arrivals.has(i)) resolve(); }; });
    await conn.publish('iotsensors/bench', Buffer.from(JSON.stringify({ i, gsr: 2.5, bpm: 72 })), 1);
    puback.push(performance.now() - start);
    await got;
    delivery.push(arrivals.get(i)! - start);
  }
  console.log(`QoS 1 publish -> PUBACK, one at a time (${ROUND_TRIPS}): ${summary(puback)}`);
  console.log(`QoS 1 publish -> delivered back to the in-node subscription (${ROUND_TRIPS}): ${summary(delivery)}`);

  received = 0;
  const burstStart = performance.now();
  const allIn = new Promise<void>((resolve) => { onReceived = () => { if (received === BURST) resolve(); }; });
  await Promise.all(Array.from({ length: BURST }, (_, k) =>
    conn.publish('iotsensors/bench', Buffer.from(JSON.stringify({ i: 100000 + k, gsr: 2.5, bpm: 72 })), 1)));
  const acked = performance.now() - burstStart;
  await allIn;
  const all = performance.now() - burstStart;
  console.log(`QoS 1 burst of ${BURST} records: all PUBACKs in ${acked.toFixed(0)} ms (${(BURST / acked * 1000).toFixed(0)} msg/s), all delivered in ${all.toFixed(0)} ms`);

  await broker.stop();
  await waitState('disconnected');
  received = 0;
  const queued = Array.from({ length: QUEUED }, (_, k) =>
    conn.publish('iotsensors/bench', Buffer.from(JSON.stringify({ i: 200000 + k })), 1));
  const drained = new Promise<void>((resolve) => { onReceived = () => { if (received === QUEUED) resolve(); }; });
  const restart = performance.now();
  await broker.restart();
  await Promise.all(queued);
  await drained;
  console.log(`broker restart -> ${QUEUED} queued QoS 1 records delivered: ${(performance.now() - restart).toFixed(0)} ms (reconnect delay 100-200 ms)`);
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

  await conn.close();
  await broker.dispose();
  // aws-crt can abort at a natural exit after a reconnect (a known native teardown race); exit explicitly.
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
