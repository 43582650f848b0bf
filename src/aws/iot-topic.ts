// AWS IoT Core's topic and payload limits. aws-crt 1.33 does not enforce them client-side (a longer
// topic or bigger payload reaches the broker, which then drops the connection), so we check first.

export const MAX_TOPIC_BYTES = 256;
export const MAX_TOPIC_SLASHES = 7;
export const MAX_PAYLOAD_BYTES = 128 * 1024;

function checkCommon(topic: string, what: string): void {
  if (typeof topic !== 'string' || topic === '') throw new Error(`${what} is empty`);
  const bytes = Buffer.byteLength(topic, 'utf8');
  if (bytes > MAX_TOPIC_BYTES) throw new Error(`${what} is ${bytes} bytes (AWS IoT allows ${MAX_TOPIC_BYTES}): ${topic.slice(0, 40)}…`);
  const slashes = topic.split('/').length - 1;
  if (slashes > MAX_TOPIC_SLASHES) throw new Error(`${what} has ${slashes} slashes (AWS IoT allows ${MAX_TOPIC_SLASHES}): ${topic}`);
  if (topic.includes('\u0000')) throw new Error(`${what} contains a NUL character`);
}

/** A topic to publish to: no wildcards. */
export function validateTopicName(topic: string): string {
  checkCommon(topic, 'topic');
  if (/[+#]/.test(topic)) throw new Error(`topic must not contain the wildcards + or #: ${topic}`);
  return topic;
}

/** A subscription filter: `+` fills a whole level, `#` only the last one. */
export function validateTopicFilter(filter: string): string {
  checkCommon(filter, 'topic filter');
  const levels = filter.split('/');
  levels.forEach((level, i) => {
    if (level.includes('+') && level !== '+') throw new Error(`+ must fill a whole level: ${filter}`);
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) throw new Error(`# must be the last level: ${filter}`);
  });
  return filter;
}

/** MQTT filter matching, so one client's messages reach every in-node whose filter they match. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Wildcards at the first level never match topics starting with $ (MQTT 4.7.2).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic `inner` matches is also matched by `outer`. */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const i = inner.split('/');
  if (inner.startsWith('$') && (o[0] === '+' || o[0] === '#')) return false;
  for (let k = 0; k < o.length; k++) {
    if (o[k] === '#') return true;
    if (k >= i.length || i[k] === '#') return false;
    if (o[k] !== '+' && o[k] !== i[k]) return false;
  }
  return o.length === i.length;
}

/**
 * The filters to send to the broker for the wanted ones: those covered by another are left out (the
 * broker would deliver a message once per matching subscription, and AWS IoT Core has no subscription
 * identifiers to tell the copies apart); a covering filter takes the highest QoS of those it covers.
 */
export function coverSet(wanted: Map<string, 0 | 1>): Map<string, 0 | 1> {
  const filters = [...wanted.keys()];
  const redundant = (f: string) => filters.some((g) => g !== f && filterCovers(g, f) && (!filterCovers(f, g) || g < f));
  const result = new Map<string, 0 | 1>();
  for (const f of filters) if (!redundant(f)) result.set(f, wanted.get(f)!);
  for (const [f, qos] of wanted) {
    for (const g of result.keys()) if (filterCovers(g, f) && qos > result.get(g)!) result.set(g, qos);
  }
  return result;
}

/**
 * Puts a node's topic under the broker's prefix ("train" -> "iotsensors/train"). A topic that already
 * starts with the prefix, and reserved `$aws/...` topics, are used as they are.
 */
export function withPrefix(prefix: string, topic: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (!p || topic.startsWith('$') || topic === p || topic.startsWith(`${p}/`)) return topic;
  return `${p}/${topic.replace(/^\/+/, '')}`;
}

/** msg.payload as MQTT bytes: Buffers and strings as they are, anything else as JSON. */
export function encodePayload(payload: unknown): Buffer {
  if (payload === undefined) throw new Error('msg.payload is missing');
  let bytes: Buffer;
  if (Buffer.isBuffer(payload)) bytes = payload;
  else if (typeof payload === 'string') bytes = Buffer.from(payload, 'utf8');
  else bytes = Buffer.from(JSON.stringify(payload) ?? String(payload), 'utf8');
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw new Error(`payload is ${bytes.length} bytes, over the AWS IoT limit of ${MAX_PAYLOAD_BYTES} (128 KB)`);
  }
  return bytes;
}

export type PayloadFormat = 'auto' | 'json' | 'string' | 'buffer';

/** Received bytes as the in-node's output: `auto` parses JSON when it is JSON, else gives the string. */
export function decodePayload(bytes: Buffer, format: PayloadFormat): unknown {
  if (format === 'buffer') return bytes;
  const text = bytes.toString('utf8');
  if (format === 'string') return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    if (format === 'auto') return text;
    throw new Error(`payload is not JSON: ${(e as Error).message}`, { cause: e });
  }
}
