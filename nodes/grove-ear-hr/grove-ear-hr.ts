// grove-ear-hr: samples the ear-clip receiver's channel at a fixed rate and emits batches of samples
// stamped by sample index (t0 + i·1000/rateHz), so downstream beat detection sees no timer jitter or drift.
import type { Node, NodeAPI } from 'node-red';
import type { GroveHat } from '../../src/hat/hat';
import { PulseSchedule } from '../../src/hat/pulse-schedule';
import { SimulatedHat } from '../../src/hat/simulated-hat';
import { configNumber } from '../lib/node-kit';
import { runReader, type ReaderContext, type ReaderDef, type Sampler } from '../grove-base-hat/reader';
import { registerNodeType } from '../lib/migrations';

interface EarHrDef extends ReaderDef {
  channel: string;
  rateHz: string;
  batchMs: string;
}

export = function (RED: NodeAPI) {
  function GroveEarHr(this: Node, def: EarHrDef) {
    RED.nodes.createNode(this, def);
    const node = this as Node;
    runReader(RED, node, def, (ctx) => pulseSampler(node, def, ctx));
  }

  function pulseSampler(node: Node, def: EarHrDef, ctx: ReaderContext): Sampler {
    const channel = configNumber(def.channel, 'channel', { min: 0, max: 7, fallback: 4 });
    const rateHz = configNumber(def.rateHz, 'sample rate (Hz)', { min: 25, max: 500, fallback: 100 });
    const batchMs = configNumber(def.batchMs, 'batch period (ms)', { min: 10, max: 60_000, fallback: 1000 });
    if (!Number.isInteger(channel)) throw new Error(RED._('reader.error.channel'));
    const perBatch = Math.max(1, Math.round((rateHz * batchMs) / 1000));
    // Wake at the sample period (at most every 5 ms) and read every sample that has come due.
    const tickMs = Math.max(5, Math.min(50, 1000 / rateHz));
    let timer: NodeJS.Timeout | undefined;
    let schedule: PulseSchedule;
    let busy = false;
    let run = 0;

    // The simulated hat is sampled at each sample's own time: exact, and no bus to wait for.
    const sample = (hat: GroveHat, t: number) => (hat instanceof SimulatedHat ? hat.rawAt(channel, t) : hat.readRaw(channel));

    async function tick(mine: number): Promise<void> {
      const hat = await ctx.hatNode.hat();
      for (let n = schedule.due(Date.now()); n > 0 && mine === run; n--) {
        let value: number;
        try {
          value = await sample(hat, schedule.nextTime());
        } catch (e) {
          schedule.fail();
          throw e;
        }
        if (mine !== run) return;
        const batch = schedule.push(value);
        if (batch) node.send(ctx.stamp({ topic: 'pulse', payload: batch }, hat));
      }
      if (mine === run) ctx.show('ok');
    }

    return {
      start() {
        schedule = new PulseSchedule(rateHz, perBatch, Date.now());
        const mine = run;
        timer = setInterval(() => {
          if (busy) return;
          busy = true;
          tick(mine)
            .catch((e: unknown) => mine === run && ctx.fail(e, { topic: 'pulse', payload: null }))
            .finally(() => (busy = false));
        }, tickMs);
      },
      stop() {
        clearInterval(timer);
        run++;
      },
    };
  }

  registerNodeType(RED, 'emotion-grove-ear-hr', GroveEarHr);
};
