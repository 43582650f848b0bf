import assert from 'node:assert/strict';
import { join } from 'node:path';
import { modelPath, participantKey, participantRecordsDir } from '../../src/record/paths';
import { round3 } from '../../src/record/record';

describe('record paths and rounding', () => {
  it('keeps each participant in their own folder under the user directory', () => {
    assert.equal(participantRecordsDir('/u', 'Ana Lopez'), join('/u', 'emotion-iot', 'records', 'ana_lopez'));
    assert.equal(modelPath('/u', 'ana'), join('/u', 'emotion-iot', 'models', 'ana.json'));
  });

  it('rejects names that could leave the data folder or are empty', () => {
    for (const bad of ['', '../etc', 'a/b', '.hidden', 'x'.repeat(65), 'a..b']) {
      assert.throws(() => participantKey(bad), /invalid participant name/);
    }
  });

  it('rounds to 3 decimals like the published rounding_op', () => {
    assert.equal(round3(1.23456), 1.235);
    assert.equal(round3(72), 72);
    assert.equal(round3(-0.0004), -0);
  });
});
