// "Same answer everywhere": the rows the cloud workflow writes for Linear Learner are the rows of the local
// trainer's random split (as published), and a Linear Learner endpoint answering like the local model gives
// the same answer through emotion-infer's participant endpoint as the local model does (the local file's
// confidence is calibrated on held-out windows besides; the endpoint's is the model's own).
import assert from 'node:assert/strict';
import type { NodeMessage } from 'node-red';
import { participantEndpointName } from '../../src/aws/participant-endpoint';
import { linearLearnerChannels } from '../../src/model/linear-learner-csv';
import { calibratedProbabilities, predictProbabilities } from '../../src/model/model-file';
import { prepareData, trainModel } from '../../src/model/train';
import { publishedLikeRecords } from '../reference/published-like';
import { writeTestModel } from '../support/infer-model';
import { readChannel, rowKeys } from '../support/linear-learner-csv';
import { helper, withTempUserDir } from '../support/node-red';
import { predictions, startSageMakerPeer, type SageMakerPeer } from '../support/sagemaker-peer';
import inferNode = require('../../nodes/emotion-infer/emotion-infer');
import awsConfigNode = require('../../nodes/aws-config/aws-config');

type Msg = NodeMessage & { emotion: Record<string, unknown> };

const participant = 'Ana Reference';
const records = publishedLikeRecords(1500, 11, 60).map((r) => ({ ...r, participant }));
const model = trainModel(records, { participant });

describe('same answer everywhere (local trainer, Linear Learner channels, participant endpoint)', () => {
  const userDir = withTempUserDir('same-answer-');
  let sm: SageMakerPeer;
  before(async () => {
    writeTestModel(userDir(), model);
    sm = await startSageMakerPeer();
    // the endpoint of a Linear Learner trained like the local model: the same class probabilities
    sm.answer = (req) => {
      const row = req.body.toString('utf8').split(',').map(Number);
      const scores = predictProbabilities(model, row);
      return predictions(scores, scores.indexOf(Math.max(...scores)));
    };
  });
  after(() => sm.stop());
  afterEach(() => helper.unload());

  it('the channels read back give the local trainer\'s rows, label indices and feature order', () => {
    const channels = linearLearnerChannels(records, { participant });
    const local = prepareData(records, { participant });
    assert.deepEqual(channels.features, model.features, 'gsr then bpm, as the local weights');
    assert.deepEqual(channels.labels, model.labels, 'class index k is the same label');
    assert.deepEqual(rowKeys(readChannel(channels.train, 2)), rowKeys(local.train));
    assert.deepEqual(rowKeys(readChannel(channels.validation, 2)), rowKeys(local.test));
    assert.equal(channels.rows.validation, model.rows.test);
    assert.equal(channels.rows.train, model.rows.train);
  });

  it('emotion-infer answers the same msg.emotion from the participant\'s endpoint as from the local model', async () => {
    const infer = { type: 'emotion-infer', z: 'tab', mode: 'each', windowSeconds: '', labels: '', threshold: '', contentType: 'text/csv', timeoutMs: '2000', fallback: false };
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'awsconf', type: 'emotion-aws-config', region: 'eu-west-1', endpoint: sm.peer.endpoint, maxAttempts: '1' },
      { id: 'infer-local', ...infer, backend: 'local', wires: [['out-local']] },
      { id: 'infer-cloud', ...infer, backend: 'sagemaker', aws: 'awsconf', endpoint: '', endpointPrefix: '', wires: [['out-cloud']] },
      { id: 'out-local', z: 'tab', type: 'helper' },
      { id: 'out-cloud', z: 'tab', type: 'helper' },
    ];
    await helper.load([inferNode, awsConfigNode], flow, { awsconf: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const windows = [
      { gsr: 9.512, bpm: 97.25 },
      { gsr: 6.3, bpm: 80.125 },
      { gsr: 4.6, bpm: 70 },
    ];
    const labels: unknown[] = [];
    for (const features of windows) {
      const answers = ['local', 'cloud'].map((id) => new Promise<Msg>((resolve) => helper.getNode(`out-${id}`).once('input', resolve)));
      for (const id of ['local', 'cloud']) helper.getNode(`infer-${id}`).receive({ payload: { ...features }, participant } as NodeMessage);
      const [local, cloud] = (await Promise.all(answers)).map((m) => m.emotion);
      const same = ({ label, index, guess, features: f, participant: p }: Record<string, unknown>) => ({ label, index, guess, features: f, participant: p });
      assert.deepEqual(same(cloud), same(local));
      assert.equal(cloud.source, 'sagemaker');
      // the endpoint answers with the model's own probabilities; the local file also knows the temperature
      // fitted on held-out windows, and answers with calibrated ones (docs/inference.md)
      const row = [features.gsr, features.bpm];
      assert.deepEqual(Object.values(cloud.scores as object), predictProbabilities(model, row));
      assert.deepEqual(Object.values(local.scores as object), calibratedProbabilities(model, row));
      assert.equal(local.calibrated, true);
      assert.equal(cloud.calibrated, undefined);
      labels.push(cloud.label);
    }
    assert.deepEqual(labels, ['angry', 'happy', 'sad']);
    const endpoints = new Set(sm.invocations().map((i) => i.endpoint));
    assert.deepEqual([...endpoints], [participantEndpointName('emotion', participant)], 'the participant\'s endpoint, by the shared name');
  });
});
