// The MQTT topics and rule SQL of the published cloud path. One place, so the CDK rules, the device
// policy, the inference Lambda and flows/aws-iot.json agree on every name.

/** Records for training: each one lands in S3 as Parquet through Firehose. */
export const TRAIN_TOPIC = 'iotsensors/train';
/** Detection windows to classify (the window's records, or the published means): the inference Lambda answers each one. */
export const INFER_TOPIC = 'iotsensors/infer';
/** Answers go to one subtopic per device, so a policy can keep each Pi to its own answers. */
export const RESULT_TOPIC_PREFIX = 'iotsensors/infer/result';

export function resultTopic(thing: string): string {
  if (!/^[a-zA-Z0-9:_-]{1,128}$/.test(thing)) throw new Error(`"${String(thing).slice(0, 40)}" is not a thing name (1-128 letters, digits, : _ -)`);
  return `${RESULT_TOPIC_PREFIX}/${thing}`;
}

/** IoT SQL version with arithmetic and round() (2015-10-08 or later); the one AWS's examples use. */
export const IOT_SQL_VERSION = '2016-03-23';

/**
 * The published `rounding_op` Lambda, as rule SQL: gsr and bpm to 3 decimals. round() gives an integer
 * and Int / Int is integer division in IoT SQL, hence the decimal divisor 1000.0. The WHERE clause keeps
 * a record only when the participant gate (cloud/lambda/participant-check-handler.ts, called through
 * IoT SQL's aws_lambda()) says the publishing thing may record for that participant.
 */
export function trainRuleSql(gateFunctionArn: string): string {
  return (
    'SELECT participant, timestamp, round(gsr * 1000) / 1000.0 AS gsr, round(bpm * 1000) / 1000.0 AS bpm, ' +
    `mood, session, simulated FROM '${TRAIN_TOPIC}' ` +
    `WHERE aws_lambda("${gateFunctionArn}", {"thing": clientid(), "participant": participant}).allowed = true`
  );
}

/**
 * The client id is the thing name (the device policy only lets a Pi connect as its own thing), so it
 * names the result topic; a `thing` in the payload cannot redirect an answer to another device.
 */
export const INFER_RULE_SQL = `SELECT participant, records, gsr, bpm, requestId, clientid() AS thing FROM '${INFER_TOPIC}'`;

/**
 * What the cloud publishes on a device's result topic besides an answer (msg.emotion plus requestId):
 * a notice that the endpoint is starting and the answer follows, and an error instead of an answer.
 * The shipped flow (flows/aws-iot.json) shows the first as a status and sends the second to Catch.
 */
export const WARMING_UP = 'warming-up';

export interface InferWarming {
  status: typeof WARMING_UP;
  message: string;
  participant?: string;
  requestId?: string;
  timestamp: number;
}

export interface InferError {
  error: { message: string; code: string };
  participant?: string;
  requestId?: string;
  timestamp: number;
}
