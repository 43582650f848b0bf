import assert from 'node:assert/strict';
import { combineFlows } from '../../demo/combine-flows';

describe('combineFlows', () => {
  const base = { id: 'base', type: 'ui-base', path: '/dashboard' };

  it('keeps a config node shared by several flow files once, and every other node in order', () => {
    const a = [{ id: 'tabA', type: 'tab' }, base, { id: 'n1', type: 'inject', z: 'tabA', wires: [[]] }];
    const b = [{ id: 'tabB', type: 'tab' }, { ...base }, { id: 'n2', type: 'debug', z: 'tabB', wires: [] }];
    assert.deepEqual(combineFlows([a, b]).map((n) => n.id), ['tabA', 'base', 'n1', 'tabB', 'n2']);
  });

  it('refuses the same id with different contents, naming it', () => {
    assert.throws(() => combineFlows([[base], [{ ...base, path: '/other' }]]), /base \(ui-base\) differs/);
  });
});
