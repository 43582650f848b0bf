import assert from 'node:assert/strict';
import { join } from 'node:path';
import { historyPath, modelPath, participantRecordsDir } from '../../src/record/paths';
import { round3 } from '../../src/record/record';

describe('record paths and rounding', () => {
  it("keeps each participant's records, model and answers under the user directory, named by their key", () => {
    assert.equal(participantRecordsDir('/u', 'Ana Lopez'), join('/u', 'emotion-iot', 'records', 'ana lopez-'));
    assert.equal(participantRecordsDir('/u', 'Ana_Lopez'), join('/u', 'emotion-iot', 'records', 'ana_lopez-'));
    assert.equal(modelPath('/u', 'ANA'), join('/u', 'emotion-iot', 'models', 'ana-.json'));
    assert.equal(historyPath('/u', 'Zoë'), join('/u', 'emotion-iot', 'history', 'zo-ija.json'));
    assert.equal(modelPath('/u', 'İpek'), modelPath('/u', 'ipek'));
  });

  it('refuses a name that is no participant before it becomes a path', () => {
    for (const bad of ['../etc', 'a/b', '', 'Аnna']) assert.throws(() => participantRecordsDir('/u', bad), /invalid participant name/, bad);
  });

  it('rounds to 3 decimals like the published rounding_op', () => {
    assert.equal(round3(1.23456), 1.235);
    assert.equal(round3(72), 72);
    assert.equal(round3(-0.0004), -0);
  });
});
