// A Step Functions peer on the loopback base: speaks the awsJson1_0 protocol (X-Amz-Target
// AWSStepFunctions.*) for StartExecution, DescribeExecution and GetExecutionHistory, and behaves like
// the service: an execution moves through its states as time passes (RUNNING, then SUCCEEDED with an
// output, or FAILED with an error and a cause), history events come newest first when asked, a start
// with the name of a running execution and the same input is the same execution, with other input it
// is ExecutionAlreadyExists, and unknown state machines, bad names and the running-executions limit
// are refused with the service's error types.
import { LoopbackPeer, type Fault, type PeerRequest, type PeerResponse } from './loopback-peer';

const JSON_10 = { 'content-type': 'application/x-amz-json-1.0' };

/** What one execution does: enter each state after `afterMs` (from its start), then end. */
export interface ExecutionScript {
  states: { name: string; afterMs: number }[];
  endAfterMs: number;
  end: { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error: string; cause: string } | { status: 'TIMED_OUT' | 'ABORTED' };
}

interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  startedAt: number;
  script: ExecutionScript;
}

export class SfnPeer {
  /** ARNs StartExecution accepts; any other is StateMachineDoesNotExist */
  readonly stateMachines = new Set<string>();
  readonly executions: Execution[] = [];
  /** the script for the next execution, from its parsed input */
  script: (input: Record<string, unknown>) => ExecutionScript = () => ({ states: [], endAfterMs: 0, end: { status: 'SUCCEEDED', output: {} } });
  /** how many executions may run at once (the account quota); one more is ExecutionLimitExceeded */
  runningLimit = Infinity;

  private constructor(readonly peer: LoopbackPeer) {}

  static async start(): Promise<SfnPeer> {
    const peer = await LoopbackPeer.start(() => ({ status: 500 }));
    const self = new SfnPeer(peer);
    peer.handler = (req) => self.handle(req);
    return self;
  }

  get endpoint(): string {
    return this.peer.endpoint;
  }

  /** The calls made, by operation name, in order. */
  operations(): string[] {
    return this.peer.requests.map((r) => String(r.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', ''));
  }

  inject(...faults: Fault[]): void {
    this.peer.inject(...faults);
  }

  stop(): Promise<void> {
    return this.peer.stop();
  }

  private handle(req: PeerRequest): PeerResponse {
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-amz-json-1.0') {
      return error(400, 'SerializationException', 'expected a POST of application/x-amz-json-1.0');
    }
    const body = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
    switch (req.headers['x-amz-target']) {
      case 'AWSStepFunctions.StartExecution':
        return this.startExecution(body);
      case 'AWSStepFunctions.DescribeExecution':
        return this.withExecution(body, (e) => ok(this.describe(e)));
      case 'AWSStepFunctions.GetExecutionHistory':
        return this.withExecution(body, (e) => ok({ events: this.history(e, body) }));
      default:
        return error(400, 'UnknownOperationException', `unknown target ${String(req.headers['x-amz-target'])}`);
    }
  }

  private startExecution(body: Record<string, unknown>): PeerResponse {
    const stateMachineArn = String(body.stateMachineArn ?? '');
    const name = String(body.name ?? `exec-${this.executions.length}`);
    const input = String(body.input ?? '{}');
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
      return error(400, 'InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${stateMachineArn}'`);
    }
    if (!this.stateMachines.has(stateMachineArn)) return error(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) return error(400, 'InvalidName', `Invalid Name: '${name}'`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(input) as Record<string, unknown>;
    } catch {
      return error(400, 'InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    if (Buffer.byteLength(input) > 262_144) return error(400, 'InvalidExecutionInput', 'input larger than 256 KiB');
    const same = this.executions.find((e) => e.stateMachineArn === stateMachineArn && e.name === name);
    if (same) {
      if (same.input === input && this.status(same).status === 'RUNNING') return ok({ executionArn: same.arn, startDate: same.startedAt / 1000 });
      return error(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${same.arn}'`);
    }
    if (this.executions.filter((e) => this.status(e).status === 'RUNNING').length >= this.runningLimit) {
      return error(400, 'ExecutionLimitExceeded', 'Maximum number of running executions reached');
    }
    const arn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const execution = { arn, name, stateMachineArn, input, startedAt: Date.now(), script: this.script(parsed) };
    this.executions.push(execution);
    return ok({ executionArn: arn, startDate: execution.startedAt / 1000 });
  }

  private withExecution(body: Record<string, unknown>, answer: (e: Execution) => PeerResponse): PeerResponse {
    const execution = this.executions.find((e) => e.arn === body.executionArn);
    return execution ? answer(execution) : error(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
  }

  private status(e: Execution): { status: string; stoppedAt?: number } {
    const age = Date.now() - e.startedAt;
    return age < e.script.endAfterMs ? { status: 'RUNNING' } : { status: e.script.end.status, stoppedAt: e.startedAt + e.script.endAfterMs };
  }

  private describe(e: Execution): Record<string, unknown> {
    const { status, stoppedAt } = this.status(e);
    const end = e.script.end;
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status,
      startDate: e.startedAt / 1000,
      input: e.input,
      ...(stoppedAt === undefined ? {} : { stopDate: stoppedAt / 1000 }),
      ...(status === 'SUCCEEDED' && end.status === 'SUCCEEDED' ? { output: JSON.stringify(end.output) } : {}),
      ...(status === 'FAILED' && end.status === 'FAILED' ? { error: end.error, cause: end.cause } : {}),
    };
  }

  /** ExecutionStarted, then an Entered and an Exited event per state reached so far. */
  private history(e: Execution, body: Record<string, unknown>): Record<string, unknown>[] {
    const age = Date.now() - e.startedAt;
    const events: Record<string, unknown>[] = [{ type: 'ExecutionStarted', timestamp: e.startedAt / 1000 }];
    const reached = e.script.states.filter((s) => s.afterMs <= age);
    reached.forEach((s, i) => {
      events.push({ type: 'TaskStateEntered', timestamp: (e.startedAt + s.afterMs) / 1000, stateEnteredEventDetails: { name: s.name } });
      const next = reached[i + 1];
      if (next) events.push({ type: 'TaskStateExited', timestamp: (e.startedAt + next.afterMs) / 1000, stateExitedEventDetails: { name: s.name } });
    });
    const numbered = events.map((event, i) => ({ id: i + 1, ...(i > 0 ? { previousEventId: i } : {}), ...event }));
    const ordered = body.reverseOrder === true ? numbered.reverse() : numbered;
    return ordered.slice(0, typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100);
  }
}

function ok(body: unknown): PeerResponse {
  return { headers: JSON_10, body: JSON.stringify(body) };
}

function error(status: number, type: string, message: string): PeerResponse {
  return { status, headers: JSON_10, body: JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${type}`, message }) };
}

/** The 400 ThrottlingException the service answers past its API rate (the SDK retries it). */
export const SFN_THROTTLED: Fault = {
  kind: 'status',
  status: 400,
  headers: JSON_10,
  body: JSON.stringify({ __type: 'com.amazonaws.swf.service.v2.model#ThrottlingException', message: 'Rate exceeded' }),
};
