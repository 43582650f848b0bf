// What a person hears when the cloud cannot answer: the inference function's on-failure destination
// (infer-failed-handler.ts) and the train rule's participant gate (participant-check-handler.ts), with
// the real IoT clients against the loopback IoT peer.
import assert from 'node:assert/strict';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { createParticipantCheck } from '../../cloud/lambda/device-participants';
import { ECHO_LIMITS } from '../../cloud/lambda/echo';
import { createFailedHandler } from '../../cloud/lambda/infer-failed-handler';
import { createCheckHandler } from '../../cloud/lambda/participant-check-handler';
import { participantsAttribute } from '../../cloud/lib/participant-list';
import { iotFaults, REGION, startIotPeer, type IotPeer } from '../support/iot-peer';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('cloud: failures reach the person, refusals are logged', function () {
  this.timeout(20000);
  let iot: IotPeer;
  let data: IoTDataPlaneClient;
  let control: IoTClient;
  let logs: string[];
  beforeEach(async () => {
    iot = await startIotPeer();
    data = new IoTDataPlaneClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    control = new IoTClient({ endpoint: iot.peer.endpoint, region: REGION, credentials, maxAttempts: 1 });
    logs = [];
    iot.things.set('pi-kitchen', { principals: [], attributes: { participants: participantsAttribute(['Ana', 'Ben']) } });
  });
  afterEach(async () => {
    data.destroy();
    control.destroy();
    await iot.stop();
  });

  // The record Lambda sends its on-failure destination (invocation-async-retain-records.html).
  const record = (condition: string, requestPayload: Record<string, unknown>) => ({
    version: '1.0',
    timestamp: '2026-12-07T10:00:00.000Z',
    requestContext: { requestId: 'e4b4', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:emotion-infer:$LATEST', condition, approximateInvokeCount: 2 },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
  });

  it('an inference that failed its retries becomes an error answer on the asking device\'s topic', async () => {
    const answer = await createFailedHandler(data, (l) => logs.push(l))(record('RetriesExhausted', { participant: 'Ana', gsr: 2, bpm: 70, requestId: 'req-9', thing: 'pi-kitchen' }));
    const [sent] = iot.publishes();
    assert.equal(sent.topic, 'iotsensors/infer/result/pi-kitchen');
    assert.equal(sent.qos, 1);
    const body = JSON.parse(sent.payload) as Record<string, unknown>;
    assert.deepEqual(body, answer);
    assert.deepEqual(body.error, { code: 'RetriesExhausted', message: 'no answer could be made after 2 attempts: Rate exceeded' });
    assert.deepEqual([body.participant, body.requestId], ['Ana', 'req-9']);
  });

  it('echoes a long request as short as the inference function does', async () => {
    const participant = `Ann ${'x'.repeat(200)}`;
    await createFailedHandler(data, () => {})(record('RetriesExhausted', { participant, requestId: '🙂'.repeat(200), thing: 'pi-kitchen' }));
    const body = JSON.parse(iot.publishes()[0].payload) as { participant: string; requestId: string };
    assert.equal(body.participant, `Ann ${'x'.repeat(ECHO_LIMITS.participant - 5)}…`);
    assert.equal(body.requestId, `${'🙂'.repeat(ECHO_LIMITS.requestId - 1)}…`, 'whole characters, never half an emoji');
  });

  it('an event that aged out in Lambda\'s queue says AWS was too busy', async () => {
    await createFailedHandler(data, () => {})(record('EventAgeExceeded', { participant: 'Ana', thing: 'pi-kitchen' }));
    assert.match(JSON.parse(iot.publishes()[0].payload).error.message, /^AWS was too busy to answer in time/);
  });

  it('fails (so Lambda retries and the dead-letter queue keeps it) when the answer cannot be published; logs a request with no thing', async () => {
    iot.peer.inject(iotFaults.unavailable());
    await assert.rejects(createFailedHandler(data, () => {})(record('RetriesExhausted', { participant: 'Ana', thing: 'pi-kitchen' })), /Service unavailable/);
    assert.equal(await createFailedHandler(data, (l) => logs.push(l))(record('RetriesExhausted', { participant: 'Ana' })), undefined);
    assert.match(logs.join(), /"unanswerable":"no thing in the failed request"/);
  });

  it('the train rule keeps a record only for a participant on the device\'s list, and logs the rest', async () => {
    const gate = createCheckHandler(createParticipantCheck(control), (l) => logs.push(l));
    assert.deepEqual(await gate({ thing: 'pi-kitchen', participant: 'ben' }), { allowed: true }, 'one person however typed');
    assert.deepEqual(await gate({ thing: 'pi-kitchen', participant: 'Cleo' }), { allowed: false });
    assert.deepEqual(await gate({ thing: 'pi-garage', participant: 'Ana' }), { allowed: false });
    assert.deepEqual(await gate({ thing: 'pi-kitchen', participant: '../etc' }), { allowed: false }, 'not a name: refused, not an error');
    const refused = logs.map((l) => JSON.parse(l) as { thing: string; participant: string; reason: string });
    assert.deepEqual(refused.map((r) => [r.thing, r.participant]), [['pi-kitchen', 'Cleo'], ['pi-garage', 'Ana'], ['pi-kitchen', '../etc']]);
    assert.match(refused[0].reason, /not provisioned for participant "Cleo"/);
    assert.match(refused[1].reason, /not a registered thing/);
  });

  it('reads a device\'s list once a minute, so a record a second costs no registry call each', async () => {
    let now = 0;
    const gate = createCheckHandler(createParticipantCheck(control, { now: () => now }), () => {});
    for (let i = 0; i < 5; i++) await gate({ thing: 'pi-kitchen', participant: 'Ana' });
    assert.equal(iot.calls().filter((c) => c === 'GET /things/pi-kitchen').length, 1);
    iot.things.get('pi-kitchen')!.attributes = { participants: participantsAttribute(['Ben']) };
    now = 61_000;
    assert.deepEqual(await gate({ thing: 'pi-kitchen', participant: 'Ana' }), { allowed: false }, 'a changed list takes effect after the minute');
  });
});
