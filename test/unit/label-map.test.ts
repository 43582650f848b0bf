import assert from 'node:assert/strict';
import { answerLabels, labelsDifferFromModel } from '../../src/model/label-map';

describe('label map: which labels a model answers with', () => {
  it("keeps a model's own labels when it learned another number of moods, else the node's (a renaming)", () => {
    assert.deepEqual(answerLabels(['angry', 'calm', 'happy', 'sad'], ['angry', 'happy', 'sad']), ['angry', 'calm', 'happy', 'sad']);
    assert.deepEqual(answerLabels(['angry', 'happy', 'sad'], ['wütend', 'fröhlich', 'traurig']), ['wütend', 'fröhlich', 'traurig']);
    assert.deepEqual(answerLabels(undefined, ['angry', 'happy', 'sad']), ['angry', 'happy', 'sad']);
  });

  it('flags a list of as many labels that differs from the model\'s (another order would swap answers), not another count', () => {
    assert.equal(labelsDifferFromModel(['happy', 'angry', 'sad'], ['angry', 'happy', 'sad']), true);
    assert.equal(labelsDifferFromModel(['angry', 'happy', 'sad'], ['angry', 'happy', 'sad']), false);
    assert.equal(labelsDifferFromModel(['angry', 'happy', 'sad'], ['wütend', 'fröhlich', 'traurig']), true);
    assert.equal(labelsDifferFromModel(['angry', 'calm', 'happy', 'sad'], ['angry', 'happy', 'sad']), false);
    assert.equal(labelsDifferFromModel(undefined, ['angry', 'happy', 'sad']), false);
  });
});
