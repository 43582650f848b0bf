// The shipped sensors example (flows/sensors.json) in the Node-RED runtime on its simulated hat: its debug
// nodes (swapped for helper nodes) receive skin conductance and a heart rate, and its inject nodes move
// them the way the chosen feeling should.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer, NodeMessage } from 'node-red';
import { helper } from '../support/node-red';
import hatNode = require('../../nodes/grove-base-hat/grove-base-hat');
import gsrNode = require('../../nodes/grove-gsr/grove-gsr');
import earNode = require('../../nodes/grove-ear-hr/grove-ear-hr');
import bpmNode = require('../../nodes/bpm/pulse-bpm');

const injectNode = require('@node-red/nodes/core/common/20-inject') as NodeInitializer;
const delayNode = require('@node-red/nodes/core/function/89-delay') as NodeInitializer;
const commentNode = require('@node-red/nodes/core/common/90-comment') as NodeInitializer;

type FlowNode = { id: string; type: string; [key: string]: unknown };
type Msg = NodeMessage & { hr?: { bpm: number | null; quality: string }; gsr?: { conductanceUS: number }; simulated?: boolean };

const flow = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'sensors.json'), 'utf8')) as FlowNode[]).map(
  (n) => (n.type === 'debug' ? { id: n.id, type: 'helper', z: n.z } : n),
);

describe('sensors example flow (flows/sensors.json)', function () {
  this.timeout(30000);
  afterEach(() => helper.unload());

  it('shows simulated skin conductance and a heart rate, and anger raises both', async () => {
    await helper.load([hatNode, gsrNode, earNode, bpmNode, injectNode, delayNode, commentNode] as never, flow);
    const gsr: Msg[] = [];
    const bpm: Msg[] = [];
    helper.getNode('sensors-gsr-debug').on('input', (m: Msg) => gsr.push(m));
    helper.getNode('sensors-bpm-debug').on('input', (m: Msg) => bpm.push(m));
    const heartRate = () => bpm.map((m) => m.hr?.bpm).filter((b): b is number => typeof b === 'number');
    await until(() => heartRate().length >= 2 && gsr.length >= 2);
    assert.ok(gsr.every((m) => m.topic === 'gsr' && m.simulated === true && typeof m.payload === 'number'));
    assert.ok(heartRate().every((b) => b > 40 && b < 120), `plausible BPM: ${heartRate()}`);
    const calm = { gsr: gsr.at(-1)!.payload as number, bpm: heartRate().at(-1)! };

    helper.getNode('sensors-stimulus-angry').receive({});
    const seen = { gsr: gsr.length, bpm: heartRate().length };
    await until(() => gsr.length >= seen.gsr + 8 && heartRate().length >= seen.bpm + 8, 20000);
    assert.ok((gsr.at(-1)!.payload as number) > calm.gsr * 1.3, `conductance rose: ${calm.gsr} -> ${gsr.at(-1)!.payload}`);
    assert.ok(heartRate().at(-1)! > calm.bpm + 5, `heart rate rose: ${calm.bpm} -> ${heartRate().at(-1)}`);
  });
});

async function until(cond: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
