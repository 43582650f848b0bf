// The training workflow's actual state machine definition (synthesized from cloud/lib/training.ts on a
// bare Stack) run in a local Step Functions interpreter (aws-local-stepfunctions), every Task state
// answered by a double chosen by the state's own Resource: the SageMaker control plane double
// (test/support/sagemaker-double.ts) for the SageMaker integrations, and stand-ins for the two Lambda
// functions (tested themselves in train-lambdas.test.ts). Through a participant's life: first deploy,
// retrain, an update that fails, a Failed endpoint, a busy one, a failed training job, no records; each
// path must end where docs/cloud.md says, with the replaced configs and models removed.
import assert from 'node:assert/strict';
import { StateMachine } from '../support/local-stepfunctions';
import { describeFailure } from '../../src/aws/cloud-training';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { WORKFLOW_ERRORS, WORKFLOW_STATES as S } from '../../src/aws/training-workflow';
import { runNames, type PreparedRun } from '../../cloud/lambda/train-prepare';
import { RECOMMENDED_FEATURES } from '../../src/signal/window-features';
import { Training } from '../../cloud/lib/training';
import { synthConstruct } from '../support/cloud-app';
import { definitionOf, type AslDefinition } from '../support/cloud-template';
import { SageMakerDouble } from '../support/sagemaker-double';

const PARTICIPANT = 'Ana';
const ENDPOINT = participantEndpointName('emotion', PARTICIPANT);

interface Run {
  status: 'SUCCEEDED' | 'FAILED';
  output?: Record<string, unknown>;
  error?: string;
  cause?: string;
  /** the states entered, in order */
  states: string[];
}

/** The Prepare step's held-out figures, carried to the end as they are (their shape is the trainer's). */
const HELD_OUT = { accuracy: 0.7, labels: ['angry', 'happy', 'sad'], confusion: [[7, 2, 1], [2, 7, 1], [1, 2, 7]], perClass: [] };

/** What the Prepare function returns for this execution (its own test checks how it gets there). */
function prepared(executionName: string): PreparedRun {
  const names = runNames(ENDPOINT, executionName);
  const base = `s3://records/training/${ENDPOINT}/${names.trainingJobName}/`;
  return {
    participant: PARTICIPANT,
    endpointName: ENDPOINT,
    ...names,
    trainingImage: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1',
    trainS3Uri: `${base}train/`,
    validationS3Uri: `${base}validation/`,
    validationKey: `training/${ENDPOINT}/${names.trainingJobName}/validation/validation.csv`,
    outputS3Uri: `${base}output/`,
    numClasses: '3',
    featureDim: '6',
    features: [...RECOMMENDED_FEATURES],
    windowSeconds: 30,
    miniBatchSize: '240',
    rows: { train: 240, validation: 60 },
    heldOut: HELD_OUT,
  };
}

describe('cloud training workflow, run in a local Step Functions interpreter', function () {
  this.timeout(60000);
  let definition: AslDefinition;
  let machine: StateMachine;
  let sm: SageMakerDouble;
  let noRecords: boolean;
  before(() => {
    definition = definitionOf(synthConstruct((stack, { key, bucket }) => new Training(stack, 'Training', { prefix: 'emotion', key, bucket })));
    // the interpreter checks the definition with asl-validator first (and refuses an invalid one)
    machine = new StateMachine(definition as never);
  });
  beforeEach(() => {
    sm = new SageMakerDouble();
    noRecords = false;
  });

  /** The handler for a Task state, picked by its Resource as deployed. */
  function handlerFor(resource: string): (input: Record<string, unknown>) => Promise<unknown> {
    const sdk = resource.match(/:states:::(?:aws-sdk:)?sagemaker:([A-Za-z]+)(\.sync)?$/);
    if (sdk) {
      const method = (sm as unknown as Record<string, (p: unknown) => unknown>)[sdk[1]];
      assert.ok(method, `the SageMaker double models ${sdk[1]}`);
      return async (input) => method.call(sm, input);
    }
    if (/:function:TrainingPrepare/.test(resource)) {
      return async (input) => {
        if (noRecords) throw Object.assign(new Error(`no records for participant '${PARTICIPANT}' (none under s3://records/records/participant=Ana/)`), { name: WORKFLOW_ERRORS.trainingData });
        return prepared(String(input.executionName));
      };
    }
    if (/:function:TrainingEvaluate/.test(resource)) {
      return async (input) => {
        assert.equal(sm.endpoints.get(String(input.endpointName))?.status, 'InService', 'evaluated on an endpoint in service');
        return { confusion: [[20, 0, 0], [1, 18, 1], [0, 2, 18]] };
      };
    }
    throw new Error(`no double for ${resource}`);
  }

  async function run(executionName: string): Promise<Run> {
    const handlers = Object.fromEntries(Object.entries(definition.States).filter(([, st]) => st.Type === 'Task').map(([name, st]) => [name, handlerFor(String(st.Resource))]));
    const waits = Object.fromEntries(Object.entries(definition.States).filter(([, st]) => st.Type === 'Wait').map(([name]) => [name, 0]));
    const execution = machine.run(
      { participant: PARTICIPANT, endpointName: ENDPOINT, labels: ['angry', 'happy', 'sad'] },
      { overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: waits }, context: { Execution: { Name: executionName } } },
    );
    const states: string[] = [];
    const logged = (async () => {
      for await (const event of execution.eventLogs as AsyncGenerator<{ type: string; state?: { name: string } }>) {
        if (event.type === 'StateEntered' && event.state) states.push(event.state.name);
        if (/^Execution(Succeeded|Failed|Aborted|TimedOut)$/.test(event.type)) return;
      }
    })();
    try {
      const output = (await execution.result) as Record<string, unknown>;
      await logged;
      return { status: 'SUCCEEDED', output, states };
    } catch (e) {
      await logged;
      const failure = (e as Error & { cause?: Error }).cause ?? (e as Error);
      return { status: 'FAILED', error: failure.name, cause: failure.message, states };
    }
  }

  const names = (executionName: string) => runNames(ENDPOINT, executionName);

  it('first deploy: no endpoint yet, so it is created; evaluated once in service; nothing to remove', async () => {
    const r = await run('run-1');
    assert.equal(r.status, 'SUCCEEDED', `${r.error}: ${r.cause}`);
    assert.deepEqual(r.output, {
      participant: PARTICIPANT, endpointName: ENDPOINT, endpointConfigName: names('run-1').endpointConfigName, trainingJobName: names('run-1').trainingJobName,
      finalMetrics: [{ MetricName: 'validation:multiclass_accuracy', Value: 0.9 }], evaluation: { confusion: [[20, 0, 0], [1, 18, 1], [0, 2, 18]] }, rows: { train: 240, validation: 60 }, heldOut: HELD_OUT,
      features: RECOMMENDED_FEATURES, windowSeconds: 30,
    });
    assert.equal(sm.hyperParameters[0].feature_dim, '6', 'the length of the feature list Prepare wrote');
    assert.ok(r.states.includes(S.createEndpoint) && !r.states.includes(S.updateEndpoint));
    assert.deepEqual(r.states.slice(0, 6), [S.prepare, S.train, S.model, S.endpointConfig, S.findEndpoint, S.createEndpoint]);
    assert.deepEqual(r.states.slice(-2), [S.anythingReplaced, S.ready]);
    assert.deepEqual(sm.endpoints.get(ENDPOINT)?.status, 'InService');
    assert.deepEqual([...sm.models.keys()], [names('run-1').modelName]);
    assert.deepEqual([...sm.configs.keys()], [names('run-1').endpointConfigName]);
  });

  it('retrain: the endpoint in service is updated to the new model, then the config and model it replaced are removed', async () => {
    await run('run-1');
    const r = await run('run-2');
    assert.equal(r.status, 'SUCCEEDED', `${r.error}: ${r.cause}`);
    assert.ok([S.readServing, S.updateEndpoint, S.evaluate, S.removeReplacedConfig, S.removeReplacedModel].every((st) => r.states.includes(st)), r.states.join(' > '));
    assert.ok(!r.states.includes(S.createEndpoint));
    assert.equal(sm.endpoints.get(ENDPOINT)?.configName, names('run-2').endpointConfigName);
    assert.deepEqual([...sm.models.keys()], [names('run-2').modelName], 'only the model in service is left');
    assert.deepEqual([...sm.configs.keys()], [names('run-2').endpointConfigName]);
    assert.ok(r.states.indexOf(S.removeReplacedConfig) > r.states.indexOf(S.evaluate), 'nothing is removed before the new model answered');
  });

  it('an update that fails (InService + FailureReason): the old model keeps serving, the unused new one is removed, the user is told', async () => {
    await run('run-1');
    sm.script.update = { failureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.' };
    const r = await run('run-2');
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, WORKFLOW_ERRORS.updateFailed);
    assert.equal(JSON.parse(r.cause!).FailureReason, sm.script.update.failureReason);
    assert.ok(!r.states.includes(S.evaluate), 'the new model is not evaluated: it never served');
    assert.deepEqual(sm.endpoints.get(ENDPOINT)?.status, 'InService');
    assert.equal(sm.endpoints.get(ENDPOINT)?.configName, names('run-1').endpointConfigName, 'still the previous config');
    assert.deepEqual([...sm.models.keys()], [names('run-1').modelName], 'the previous model stays; the unused new one is gone');
    assert.deepEqual([...sm.configs.keys()], [names('run-1').endpointConfigName]);
    const told = describeFailure({ status: 'FAILED', error: r.error, cause: r.cause, executionArn: 'arn' }, PARTICIPANT);
    assert.equal(told.message, `cloud training of "Ana": the new model could not be deployed (${sm.script.update.failureReason}); the previous model keeps answering`);
  });

  it('a Failed endpoint is deleted and created anew (UpdateEndpoint is never tried on it), and what it held is removed', async () => {
    sm.script.create = { failureReason: 'Image size 12 GB is greater than supported size 10 GB' };
    const first = await run('run-1');
    assert.equal(first.status, 'FAILED');
    assert.equal(first.error, WORKFLOW_ERRORS.endpointFailed);
    assert.match(describeFailure({ status: 'FAILED', error: first.error, cause: first.cause, executionArn: 'a' }, PARTICIPANT).message, /the endpoint failed to deploy: Image size .*The next training deletes it and creates it anew/);
    assert.equal(sm.endpoints.get(ENDPOINT)?.status, 'Failed');

    sm.script.create = 'InService';
    const r = await run('run-2');
    assert.equal(r.status, 'SUCCEEDED', `${r.error}: ${r.cause}`);
    assert.ok(!sm.calls.some((c) => c.startsWith('UpdateEndpoint')), sm.calls.join('\n'));
    assert.ok([S.readFailed, S.deleteFailed, S.waitDeleted, S.checkDeleted, S.createEndpoint].every((st) => r.states.includes(st)), r.states.join(' > '));
    assert.equal(sm.endpoints.get(ENDPOINT)?.configName, names('run-2').endpointConfigName);
    assert.deepEqual([...sm.models.keys()], [names('run-2').modelName]);
    assert.deepEqual([...sm.configs.keys()], [names('run-2').endpointConfigName]);
  });

  it('an endpoint busy with another run is waited for, then updated', async () => {
    sm.seedEndpoint(ENDPOINT, 'InService', { configName: 'emotion-old-config', modelName: 'emotion-old-model' });
    sm.endpoints.get(ENDPOINT)!.status = 'Updating';
    sm.endpoints.get(ENDPOINT)!.next = { status: 'InService', configName: 'emotion-old-config', after: 3 };
    const r = await run('run-1');
    assert.equal(r.status, 'SUCCEEDED', `${r.error}: ${r.cause}`);
    assert.ok(r.states.filter((st) => st === S.waitBusy).length >= 1);
    assert.ok(r.states.indexOf(S.updateEndpoint) > r.states.lastIndexOf(S.waitBusy));
    assert.deepEqual([...sm.models.keys()], [names('run-1').modelName], 'the replaced (seeded) model is removed');
  });

  it('an endpoint no step can fix (UpdateRollbackFailed) ends the run with what to do, touching nothing', async () => {
    sm.seedEndpoint(ENDPOINT, 'UpdateRollbackFailed', { configName: 'emotion-old-config', modelName: 'emotion-old-model' });
    const r = await run('run-1');
    assert.equal(r.error, WORKFLOW_ERRORS.endpointUnusable);
    assert.match(describeFailure({ status: 'FAILED', error: r.error, cause: r.cause, executionArn: 'a' }, PARTICIPANT).message, /Delete it in the SageMaker console, then train again/);
    assert.ok(!sm.calls.some((c) => /^(Update|Delete|Create)Endpoint /.test(c)));
  });

  it('a failed training job ends the run with SageMaker\'s reason, before any model, config or endpoint exists', async () => {
    sm.script.training = { failureReason: 'ClientError: Unable to read data channel \'train\'' };
    const r = await run('run-1');
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, 'States.TaskFailed');
    assert.deepEqual(r.states, [S.prepare, S.train]);
    assert.deepEqual([sm.models.size, sm.configs.size, sm.endpoints.size], [0, 0, 0]);
    assert.equal(describeFailure({ status: 'FAILED', error: r.error, cause: r.cause, executionArn: 'a' }, PARTICIPANT).message, "cloud training of \"Ana\": the SageMaker training job failed: ClientError: Unable to read data channel 'train'");
  });

  it('no records: Prepare fails with TrainingDataError and nothing is started in SageMaker', async () => {
    noRecords = true;
    const r = await run('run-1');
    assert.equal(r.error, WORKFLOW_ERRORS.trainingData);
    assert.match(r.cause!, /no records for participant 'Ana'/);
    assert.deepEqual(r.states, [S.prepare]);
    assert.deepEqual(sm.calls, []);
  });
});
