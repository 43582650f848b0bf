// A real record from the sensor-record node, field by field through what the cloud does with it:
// the iotsensors/train rule's SQL (with the small IoT SQL interpreter in test/support/iot-sql.ts:
// IoT's documented Int/Decimal and round() rules, evaluated with JS doubles where AWS uses 34-digit
// decimals, so ties at exactly .0005 may round differently there) and the Glue columns Firehose
// converts it with. The SQL text and the columns are the ones the stack deploys.
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { IoTClient } from '@aws-sdk/client-iot';
import { INFER_RULE_SQL, trainRuleSql, TRAIN_TOPIC, INFER_TOPIC } from '../../src/contracts/iot-topics';
import { createParticipantCheck } from '../../cloud/lambda/device-participants';
import { createCheckHandler, type CheckEvent } from '../../cloud/lambda/participant-check-handler';
import { participantsAttribute } from '../../cloud/lib/participant-list';
import { REGION, startIotPeer } from '../support/iot-peer';
import { PARTITION_COLUMN, RECORD_COLUMNS, RECORDS_PARTITION_PREFIX } from '../../src/contracts/record-schema';
import { round3, type SensorRecord } from '../../src/record/record';
import { helper } from '../support/node-red';
import { applyRule, applyRuleAsync, parseRule, type RuleContext } from '../support/iot-sql';
import sensorRecordNode = require('../../nodes/sensor-record/sensor-record');

/** One record, emitted by the real sensor-record node from a GSR and a BPM reading. */
async function recordFromSensorRecord(): Promise<SensorRecord> {
  const flow = [
    { id: 'tab', type: 'tab' },
    { id: 'rec', type: 'emotion-sensor-record', z: 'tab', participant: 'Ana', mood: 'happy', labels: '', session: '', tick: '0.2', maxAge: '3', duration: '', autoStart: true, wires: [['out'], []] },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
  await helper.load(sensorRecordNode, flow);
  const got = new Promise<SensorRecord>((resolve) => helper.getNode('out').once('input', (msg: NodeMessage) => resolve(msg.payload as SensorRecord)));
  const rec = helper.getNode('rec');
  rec.receive({ topic: 'gsr', payload: 2.0004567, simulated: true } as NodeMessage);
  rec.receive({ topic: 'bpm', payload: 72.1234567, simulated: true } as NodeMessage);
  return got;
}

/** The Glue type a JSON value of a record maps to under the OpenX JSON SerDe. */
function glueTypeOf(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  return typeof value;
}

const GATE = 'arn:aws:lambda:eu-west-1:123456789012:function:emotion-cloud-DevicesGateFunction';
const TRAIN_RULE_SQL = trainRuleSql(GATE);
/** The gate as the stack deploys it, for a Pi provisioned for Ana. */
const anaOnly: RuleContext['lambda'] = (arn, input) => {
  assert.equal(arn, GATE);
  const { thing, participant } = input as { thing: string; participant: string };
  return { allowed: thing === 'pi-kitchen' && participant === 'Ana' };
};

describe('a sensor-record record through the cloud path', () => {
  let record: SensorRecord;
  before(async () => {
    record = await recordFromSensorRecord();
    await helper.unload();
  });

  it('has exactly the fields the Glue table declares (data columns plus the participant partition)', () => {
    assert.deepEqual(Object.keys(record).sort(), [...RECORD_COLUMNS.map((c) => c.name), PARTITION_COLUMN.name].sort());
  });

  it('has, field by field, values of the column types', () => {
    for (const column of [...RECORD_COLUMNS, PARTITION_COLUMN]) {
      const value = (record as unknown as Record<string, unknown>)[column.name];
      const jsType = glueTypeOf(value);
      if (column.type === 'bigint') assert.ok(Number.isSafeInteger(value), `${column.name}: a whole number of ms for bigint, got ${String(value)}`);
      else if (column.type === 'double') assert.equal(jsType, 'number', column.name);
      else assert.equal(jsType, column.type, column.name);
    }
    assert.ok(record.timestamp > Date.UTC(2020, 0, 1), 'ms since the epoch, not seconds');
  });

  it('comes out of the train rule unchanged, field by field, since sensor-record already rounds to 3 decimals', () => {
    const rule = parseRule(TRAIN_RULE_SQL);
    assert.equal(rule.topic, TRAIN_TOPIC);
    const out = applyRule(rule, JSON.parse(JSON.stringify(record)), { clientid: 'pi-kitchen', lambda: anaOnly })!;
    for (const key of Object.keys(record) as (keyof SensorRecord)[]) assert.deepEqual(out[key], record[key], key);
    assert.deepEqual(Object.keys(out).sort(), Object.keys(record).sort());
    assert.equal(record.gsr, 2); // the node rounded 2.0004567
    assert.equal(record.bpm, 72.123);
  });

  it('rounds gsr and bpm of any other publisher to 3 decimals, as the published rounding_op did', () => {
    const out = applyRule(parseRule(TRAIN_RULE_SQL), { ...record, gsr: 3.14159265, bpm: 64.98765 }, { clientid: 'pi-kitchen', lambda: anaOnly })!;
    assert.equal(out.gsr, 3.142);
    assert.equal(out.bpm, 64.988);
    assert.equal(out.gsr, round3(3.14159265), 'the same 3 decimals as sensor-record\'s round3');
  });

  it('leaves a field out when a publisher leaves it out (no null bpm becomes 0)', () => {
    const { bpm: _bpm, mood: _mood, ...rest } = record;
    const out = applyRule(parseRule(TRAIN_RULE_SQL), rest, { clientid: 'pi-kitchen', lambda: anaOnly })!;
    assert.equal('bpm' in out, false);
    assert.equal('mood' in out, false);
    assert.equal(out.gsr, record.gsr);
  });

  it('keeps the participant for Firehose to partition on: records/participant=<name>/', () => {
    const out = applyRule(parseRule(TRAIN_RULE_SQL), JSON.parse(JSON.stringify(record)), { clientid: 'pi-kitchen', lambda: anaOnly })!;
    assert.equal(RECORDS_PARTITION_PREFIX.replace('!{partitionKeyFromQuery:participant}', String(out.participant)), 'records/participant=Ana/');
  });

  it('keeps only the records the publishing device may make (its participant list), with the real gate', async () => {
    const iot = await startIotPeer();
    const control = new IoTClient({ endpoint: iot.peer.endpoint, region: REGION, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
    try {
      iot.things.set('pi-kitchen', { principals: [], attributes: { participants: participantsAttribute(['Ana']) } });
      const logs: string[] = [];
      const gate = createCheckHandler(createParticipantCheck(control), (l) => logs.push(l));
      const rule = parseRule(TRAIN_RULE_SQL);
      const through = (payload: Record<string, unknown>, clientid: string) => applyRuleAsync(rule, payload, { clientid, lambda: (_arn, input) => gate(input as CheckEvent) });
      assert.equal((await through(JSON.parse(JSON.stringify(record)), 'pi-kitchen'))?.participant, 'Ana');
      assert.equal(await through({ ...record, participant: 'Ben' }, 'pi-kitchen'), undefined, 'another participant: dropped');
      assert.equal(await through(JSON.parse(JSON.stringify(record)), 'pi-garage'), undefined, 'another device: dropped');
      assert.equal(logs.length, 2, 'each refusal logged');
    } finally {
      control.destroy();
      await iot.stop();
    }
  });

  it('hands the inference Lambda the window (its records and means) with the device\'s client id as thing, not a payload field', () => {
    const rule = parseRule(INFER_RULE_SQL);
    assert.equal(rule.topic, INFER_TOPIC);
    const records = [{ timestamp: 1, gsr: 2.5, bpm: 70 }];
    const out = applyRule(rule, { participant: 'Ana', records, gsr: record.gsr, bpm: record.bpm, requestId: 'r1', thing: 'someone-else' }, { clientid: 'pi-kitchen' })!;
    assert.deepEqual(out, { participant: 'Ana', records, gsr: record.gsr, bpm: record.bpm, requestId: 'r1', thing: 'pi-kitchen' });
  });

  it('the interpreter follows IoT SQL: Int / Int is integer division, round() half away from zero', () => {
    const rule = parseRule("SELECT a / 2 AS i, a / 2.0 AS d, round(b) AS r, round(c) AS n FROM 't'");
    assert.deepEqual(applyRule(rule, { a: 7, b: 2.5, c: -1.5 }, { clientid: 'x' }), { i: 3, d: 3.5, r: 3, n: -2 });
  });
});
