// The shipped sensors example (flows/sensors.json) in the Node-RED runtime on its simulated hat: its debug
// nodes (swapped for helper nodes) receive skin conductance and a heart rate, and its inject nodes move
// them the way the chosen feeling should.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { SimulatedHat } from '../../src/hat/simulated-hat';
import { helper } from '../support/node-red';
import { until } from '../support/probes';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');

const injectNode = require('@node-red/nodes/core/common/20-inject') as NodeInitializer;
const delayNode = require('@node-red/nodes/core/function/89-delay') as NodeInitializer;
const commentNode = require('@node-red/nodes/core/common/90-comment') as NodeInitializer;

type FlowNode = { id: string; type: string; [key: string]: unknown };
type Msg = NodeMessage & { timestamp?: number; hr?: { bpm: number | null; quality: string }; gsr?: { conductanceUS: number }; simulated?: boolean };

const flow = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'sensors.json'), 'utf8')) as FlowNode[]).map(
  (n) => (n.type === 'debug' ? { id: n.id, type: 'helper', z: n.z } : n),
);

describe('sensors example flow (flows/sensors.json)', function () {
  this.timeout(60000);
  afterEach(() => helper.unload());

  it('shows simulated skin conductance and a heart rate, and anger raises both', async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, injectNode, delayNode, commentNode] as never, flow);
    const gsr: Msg[] = [];
    const bpm: Msg[] = [];
    helper.getNode('sensors-gsr-debug').on('input', (m: Msg) => gsr.push(m));
    helper.getNode('sensors-bpm-debug').on('input', (m: Msg) => bpm.push(m));
    const beats = () => bpm.filter((m) => typeof m.hr?.bpm === 'number');
    await until(() => beats().length >= 2 && gsr.length >= 2);
    assert.ok(gsr.every((m) => m.topic === 'gsr' && m.simulated === true && typeof m.payload === 'number'));
    assert.ok(beats().every((m) => m.hr!.bpm! > 40 && m.hr!.bpm! < 120), `plausible BPM: ${beats().map((m) => m.hr?.bpm)}`);
    // The simulated physiology wanders with the clock: measure the rise against the same person left calm
    // (the hat's twin), the heart over the ~8 s the BPM average spans.
    const hatDef = flow.find((n) => n.type === 'emotion-grove-base-hat')!;
    const twin = new SimulatedHat({ seed: Number(hatDef.seed), participant: String(hatDef.participant) });
    const aboveCalm = (m: Msg) => {
      const t = m.timestamp as number;
      const calmRate = Array.from({ length: 8 }, (_, i) => twin.heartRateAt(t - i * 1000)).reduce((a, b) => a + b) / 8;
      return m.hr!.bpm! - calmRate;
    };
    const before = beats().slice(-5).map(aboveCalm);
    const calm = { bpm: before.reduce((a, b) => a + b) / before.length };

    helper.getNode('sensors-stimulus-angry').receive({});
    const seen = { gsr: gsr.length, bpm: beats().length };
    await until(() => gsr.length >= seen.gsr + 10 && beats().length >= seen.bpm + 20, 30000);
    // Real-sized (docs/sensors.md): a skin conductance response within seconds of the change (about a fifth
    // of the level), and a heart a few bpm faster than the calm twin's.
    const rise = Math.max(...gsr.slice(seen.gsr).map((m) => (m.payload as number) / twin.conductanceAt(m.timestamp as number)));
    assert.ok(rise > 1.08, `conductance rose over the calm twin's: ×${rise}`);
    const angry = beats().slice(-8).map(aboveCalm).reduce((a, b) => a + b) / 8;
    assert.ok(angry > calm.bpm + 1.5, `heart rate rose above the calm twin's: ${calm.bpm} -> ${angry}`);
  });
});
