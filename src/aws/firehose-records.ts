// Firehose's PutRecordBatch limits and the record encoding: one JSON object per record, newline
// terminated, so the objects stay separable once Firehose concatenates them in S3.

/** Records per PutRecordBatch call (a hard service limit). */
export const MAX_BATCH_RECORDS = 500;
/** A PutRecordBatch request as sent, at most: AWS counts the whole request, where Data is base64. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** The JSON around the records: {"DeliveryStreamName":"<at most 64>","Records":[...]} */
const REQUEST_OVERHEAD = 38 + 64;
/** The JSON around one record, {"Data":"..."} and a comma (12), plus base64 padding (at most 2 bytes, 8/3 once expanded: 3). */
const RECORD_OVERHEAD = 12 + 3;
/**
 * Raw data per call (what the spool counts, before base64) such that a full batch, base64-encoded in its
 * request, stays within MAX_REQUEST_BYTES: (4 MiB - overheads) * 3/4, about 3 MiB.
 */
export const MAX_BATCH_BYTES = Math.floor(((MAX_REQUEST_BYTES - REQUEST_OVERHEAD - MAX_BATCH_RECORDS * RECORD_OVERHEAD) * 3) / 4);
/** Data per record before base64 (1,000 KiB), newline included. */
export const MAX_RECORD_BYTES = 1_024_000;

/** Encodes one record; throws a message a user can act on for anything Firehose could not take. */
export function encodeRecord(record: unknown, index?: number): Buffer {
  const where = index === undefined ? 'record' : `record ${index}`;
  if (record === null || typeof record !== 'object' || Array.isArray(record) || Buffer.isBuffer(record)) {
    throw new Error(`${where} must be a JSON object, not ${describe(record)}`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(record);
  } catch (e) {
    throw new Error(`${where} is not serialisable as JSON: ${whyNotJson(e)}`, { cause: e });
  }
  if (json === undefined) throw new Error(`${where} is not serialisable as JSON`);
  const data = Buffer.from(`${json}\n`);
  if (data.length > MAX_RECORD_BYTES) {
    throw new Error(`${where} is ${data.length} bytes, over Firehose's ${MAX_RECORD_BYTES} byte limit per record`);
  }
  return data;
}

/** A message payload is one record or an array of records; all are encoded or none. */
export function encodePayload(payload: unknown): Buffer[] {
  if (Array.isArray(payload)) return payload.map((record, i) => encodeRecord(record, i));
  return [encodeRecord(payload)];
}

/** What JSON.stringify's TypeError means for the person who built the record. */
function whyNotJson(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/BigInt/.test(text)) return 'it holds a BigInt, which JSON cannot carry (convert it with Number() or String() first)';
  if (/circular/i.test(text)) return 'it refers to itself (a circular reference)';
  return text.split('\n')[0];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  return `a ${typeof value}`;
}
