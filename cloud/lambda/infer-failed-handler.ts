// The inference function's on-failure destination: when an invocation has failed its retries (or
// waited too long in Lambda's queue), Lambda invokes this with an invocation record, and the device
// gets an error answer on its result topic instead of waiting for nothing. The same event, with Lambda's
// ErrorMessage attribute, is in the dead-letter queue. Record format: Lambda's "Capturing records of
// asynchronous invocations" (invocation-async-retain-records.html). Entry point: infer-failed-lambda.ts.
import { PublishCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { resultTopic, type InferError } from '../../src/contracts/iot-topics';
import { echo, ECHO_LIMITS } from './echo';

export interface InvocationRecord {
  requestContext?: { condition?: string; approximateInvokeCount?: number };
  requestPayload?: { thing?: unknown; participant?: unknown; requestId?: unknown };
  responsePayload?: { errorMessage?: unknown; errorType?: unknown } | null;
}

export function createFailedHandler(iotData: IoTDataPlaneClient, log: (line: string) => void): (record: InvocationRecord) => Promise<InferError | undefined> {
  return async (record) => {
    const request = record?.requestPayload ?? {};
    const condition = String(record?.requestContext?.condition ?? 'Failed');
    const reason = typeof record?.responsePayload?.errorMessage === 'string' ? record.responsePayload.errorMessage : condition;
    let topic: string;
    try {
      topic = resultTopic(String(request.thing ?? ''));
    } catch {
      log(JSON.stringify({ unanswerable: 'no thing in the failed request', condition, reason }));
      return undefined;
    }
    const text = condition === 'EventAgeExceeded' ? 'AWS was too busy to answer in time' : `no answer could be made after ${record?.requestContext?.approximateInvokeCount ?? 'several'} attempts`;
    const answer: InferError = {
      error: { code: condition, message: `${text}: ${echo(reason, ECHO_LIMITS.message)}` },
      ...(typeof request.participant === 'string' ? { participant: echo(request.participant, ECHO_LIMITS.participant) } : {}),
      ...(typeof request.requestId === 'string' ? { requestId: echo(request.requestId, ECHO_LIMITS.requestId) } : {}),
      timestamp: Date.now(),
    };
    // A failed publish throws: Lambda retries, then puts this record into the dead-letter queue too.
    await iotData.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(answer)) }));
    log(JSON.stringify({ told: topic, condition, reason: echo(reason, ECHO_LIMITS.message) }));
    return answer;
  };
}
