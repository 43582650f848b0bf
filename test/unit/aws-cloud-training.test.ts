import assert from 'node:assert/strict';
import { SFNClient } from '@aws-sdk/client-sfn';
import { runCloudTraining, type CloudProgress } from '../../src/aws/cloud-training';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S, type TrainingExecutionInput } from '../../src/aws/training-workflow';
import { metricsFromConfusion } from '../../src/model/metrics';
import { SfnPeer, SFN_THROTTLED, type ExecutionScript } from '../support/sfn-peer';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:emotion-training';
const LABELS = ['angry', 'happy', 'sad'];
const input: TrainingExecutionInput = { participant: 'Ana', endpointName: 'emotion-ana-0a1b2c3d', labels: LABELS };
const confusion = [
  [9, 1, 0],
  [0, 8, 2],
  [0, 3, 7],
];

/** A workflow that runs through every stage in ~0.3 s (each stage spans many polls) and succeeds. */
function succeeding(output: Record<string, unknown> = {}): ExecutionScript {
  return {
    states: [
      { name: S.prepare, afterMs: 0 },
      { name: S.train, afterMs: 80 },
      { name: S.model, afterMs: 180 },
      { name: S.createEndpoint, afterMs: 200 },
      { name: S.waitEndpoint, afterMs: 220 },
      { name: S.evaluate, afterMs: 280 },
    ],
    endAfterMs: 320,
    end: {
      status: 'SUCCEEDED',
      output: {
        participant: 'Ana',
        endpointName: input.endpointName,
        trainingJobName: 'emotion-ana-0a1b2c3d-mi5x',
        finalMetrics: [{ MetricName: 'validation:multiclass_accuracy', Value: 0.8 }, { MetricName: 'validation:macro_recall', Value: 0.79 }],
        evaluation: { confusion },
        rows: { train: 120, validation: 30 },
        ...output,
      },
    },
  };
}

function failing(error: string, cause: string, afterMs = 30): ExecutionScript {
  return { states: [{ name: S.prepare, afterMs: 0 }], endAfterMs: afterMs, end: { status: 'FAILED', error, cause } };
}

describe('cloud training through Step Functions', () => {
  let sfn: SfnPeer;
  let client: SFNClient;
  before(async () => {
    sfn = await SfnPeer.start();
    sfn.stateMachines.add(ARN);
    client = new SFNClient({ endpoint: sfn.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await sfn.stop();
  });
  beforeEach(() => {
    sfn.peer.requests.length = 0;
    sfn.runningLimit = Infinity;
  });

  const run = (progress: CloudProgress[] = [], c = client, arn = ARN) =>
    runCloudTraining(c, input, { stateMachineArn: arn, pollMs: 8, onProgress: (p) => progress.push(p) });

  it('starts the workflow with the participant\'s input and follows it through every stage to the metrics', async () => {
    sfn.script = () => succeeding();
    const progress: CloudProgress[] = [];
    const result = await run(progress);
    const started = sfn.executions.at(-1)!;
    assert.deepEqual(JSON.parse(started.input), input);
    assert.match(started.name, /^emotion-ana-0a1b2c3d-[0-9a-z]+$/);
    const stages = progress.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(stages, ['queued', 'preparing', 'training', 'deploying', 'ready']);
    assert.ok(progress.every((p, i) => i === 0 || p.elapsedMs >= progress[i - 1].elapsedMs), 'elapsed time only grows');
    assert.ok(progress.some((p) => p.state === S.waitEndpoint), 'the state is named while deploying');
    assert.equal(result.endpointName, input.endpointName);
    assert.equal(result.trainingJobName, 'emotion-ana-0a1b2c3d-mi5x');
    const { source, jobMetrics, ...metrics } = result.metrics;
    assert.deepEqual(metrics, metricsFromConfusion(confusion, LABELS), 'the local trainer\'s metrics shape, per class');
    assert.equal(source, 'endpoint-validation');
    assert.equal(jobMetrics['validation:multiclass_accuracy'], 0.8);
    assert.deepEqual(result.rows, { train: 120, validation: 30 });
    assert.deepEqual([...new Set(sfn.operations())], ['StartExecution', 'DescribeExecution', 'GetExecutionHistory']);
  });

  it('shows every stage the workflow went through between two polls, in order, when they are shorter than a poll', async () => {
    const quick = succeeding();
    sfn.script = () => ({ ...quick, states: quick.states.map((st, i) => ({ ...st, afterMs: i * 5 })), endAfterMs: 900 });
    const progress: CloudProgress[] = [];
    await runCloudTraining(client, input, { stateMachineArn: ARN, pollMs: 400, onProgress: (p) => progress.push(p) });
    const stages = progress.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(stages, ['queued', 'preparing', 'training', 'deploying', 'ready']);
  });

  it('reports the Prepare step\'s held-out figures first, and the endpoint\'s random split under its own name', async () => {
    const heldOut = {
      accuracy: 0.55,
      balancedAccuracy: 0.52,
      chance: 1 / 3,
      interval: [0.41, 0.63] as [number, number],
      sessionsPerMood: { angry: 2, happy: 2, sad: 2 },
      verdict: 'not-separable',
      labels: LABELS,
      confusion: [[5, 3, 2], [2, 6, 2], [4, 2, 4]],
      perClass: [],
    };
    sfn.script = () => succeeding({ heldOut });
    const { metrics } = await run();
    assert.equal(metrics.accuracy, 0.55, 'the held-out figure is the accuracy');
    assert.equal(metrics.verdict, 'not-separable');
    assert.deepEqual(metrics.confusion, heldOut.confusion);
    assert.equal(metrics.randomSplitAccuracy, metricsFromConfusion(confusion, LABELS).accuracy);
    assert.deepEqual(metrics.randomSplit!.confusion, confusion);
    assert.equal(metrics.randomSplit!.testRows, 30);
    assert.equal(metrics.source, 'endpoint-validation');
  });

  it('without an evaluation, reports the job\'s final validation accuracy and no per-class rows', async () => {
    sfn.script = () => succeeding({ evaluation: undefined });
    const { metrics } = await run();
    assert.equal(metrics.accuracy, 0.8);
    assert.deepEqual(metrics.perClass, []);
    assert.equal(metrics.source, 'training-job');
  });

  for (const [what, error, message] of [
    ['too few rows of a mood', WORKFLOW_ERRORS.trainingData, "too few usable rows for participant 'Ana': 'sad' 5 (need at least 10 each; the first 10 s of each session are dropped as warm-up; 0 rows were invalid): record more 'sad' data first"],
    ['features the stack does not answer with', WORKFLOW_ERRORS.featureSet, 'this stack trains and answers the "published" features (gsr, bpm over 10 s), not gsr, bpm, gsrSlope, gsrPhasic, scrCount, scrSize over 30 s: set emotion-train\'s Features to "published", or deploy the stack with -c features=<set>'],
  ]) {
    it(`${what} comes back as the workflow's own sentence, saying what to do`, async () => {
      sfn.script = () => failing(error, JSON.stringify({ errorType: error, errorMessage: message, trace: [] }));
      await assert.rejects(run(), (e: Error & { code?: string }) => {
        assert.equal(e.message, `cloud training of "Ana": ${message}`);
        assert.equal(e.code, error);
        return true;
      });
    });
  }

  it('a failed training job names SageMaker\'s reason', async () => {
    const cause = JSON.stringify({ TrainingJobName: 'x', TrainingJobStatus: 'Failed', FailureReason: 'ClientError: Unable to read data channel \'train\'' });
    sfn.script = () => failing('States.TaskFailed', cause);
    await assert.rejects(run(), /the SageMaker training job failed: ClientError: Unable to read data channel 'train'/);
  });

  it('a quota says so, and what to do', async () => {
    sfn.script = () => failing('SageMaker.ResourceLimitExceededException', "The account-level service limit 'ml.m5.large for training job usage' is 0 Instances (Service: SageMaker, Status Code: 400)");
    await assert.rejects(run(), /an AWS quota was reached \(SageMaker\.ResourceLimitExceededException\).*ml\.m5\.large.*Request a higher SageMaker quota/);
  });

  it('an endpoint that fails to deploy, a timeout and an abort each read as what happened', async () => {
    sfn.script = () => failing(WORKFLOW_ERRORS.endpointFailed, 'endpoint emotion-ana-0a1b2c3d is Failed: image pull failed');
    await assert.rejects(run(), /the endpoint failed to deploy: endpoint emotion-ana-0a1b2c3d is Failed/);
    sfn.script = () => ({ states: [], endAfterMs: 10, end: { status: 'TIMED_OUT' } });
    await assert.rejects(run(), /timed out/);
    sfn.script = () => ({ states: [], endAfterMs: 10, end: { status: 'ABORTED' } });
    await assert.rejects(run(), /was stopped in Step Functions \(aborted\)/);
  });

  it('a missing workflow and the running-executions limit are clear errors before anything runs', async () => {
    await assert.rejects(run([], client, ARN.replace('emotion-training', 'nope')), (e: Error & { code?: string }) => {
      assert.match(e.message, /no training workflow .*StateMachineDoesNotExist.*deploy the cloud stack/);
      assert.equal(e.code, 'StateMachineDoesNotExist');
      return true;
    });
    sfn.script = () => succeeding();
    sfn.runningLimit = 0;
    await assert.rejects(run(), /too many training workflows are running \(ExecutionLimitExceeded\)/);
  });

  it('rides out throttling while following (the SDK retries it)', async () => {
    const retrying = new SFNClient({ endpoint: sfn.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });
    sfn.script = () => succeeding();
    const following = run([], retrying);
    await new Promise((r) => setTimeout(r, 5));
    sfn.inject(SFN_THROTTLED);
    assert.equal((await following).endpointName, input.endpointName);
    assert.ok(sfn.peer.requests.some((r) => r.fault === 'status'), 'a throttled call happened');
    retrying.destroy();
  });

  it('stops following when aborted, leaving the workflow to run on', async () => {
    sfn.script = () => ({ ...succeeding(), endAfterMs: 60_000 });
    const controller = new AbortController();
    const following = runCloudTraining(client, input, { stateMachineArn: ARN, pollMs: 8, onProgress: () => undefined, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(following, /stopped following the training workflow/);
    assert.ok(!sfn.operations().includes('StopExecution'));
  });
});
