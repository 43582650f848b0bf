// grove-gsr: samples the GSR sensor's channel at an interval (and once per other input message) and
// emits skin conductance in µS, with raw, mV and resistance alongside (DESIGN.md message contract).
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { convertGsr, DEFAULT_REFERENCE_MV } from '../../src/signal/gsr';
import { configNumber } from '../lib/node-kit';
import { runReader, type ReaderContext, type ReaderDef, type Sampler } from '../grove-base-hat/reader';
import { registerNodeType } from '../lib/migrations';

interface GsrDef extends ReaderDef {
  channel: string;
  interval: string;
  referenceMv: string;
}

export = function (RED: NodeAPI) {
  function GroveGsr(this: Node, def: GsrDef) {
    RED.nodes.createNode(this, def);
    const node = this as Node;
    runReader(RED, node, def, (ctx) => gsrSampler(node, def, ctx));
  }

  function gsrSampler(node: Node, def: GsrDef, ctx: ReaderContext): Sampler {
    const channel = configNumber(def.channel, 'channel', { min: 0, max: 7, fallback: 0 });
    const intervalMs = configNumber(def.interval, 'interval (ms)', { min: 10, max: 3_600_000, fallback: 200 });
    const referenceMv = configNumber(def.referenceMv, 'reference (mV)', { min: 1000, max: 5500, fallback: DEFAULT_REFERENCE_MV });
    if (!Number.isInteger(channel)) throw new Error(RED._('reader.error.channel'));
    let timer: NodeJS.Timeout | undefined;
    let busy = false;
    // Bumped on every stop, so a read still in flight when sampling stops is not sent.
    let run = 0;

    async function read<M extends NodeMessage>(msg: M): Promise<M> {
      const hat = await ctx.hatNode.hat();
      const timestamp = Date.now();
      const { contact, ...gsr } = convertGsr(await hat.readRaw(channel), referenceMv);
      ctx.show(contact ? 'ok' : 'no-contact');
      return ctx.stamp(Object.assign(msg, { topic: 'gsr', payload: gsr.conductanceUS, gsr, timestamp }), hat);
    }

    function tick(): void {
      if (busy) return; // a slow bus: skip a tick rather than queue reads up
      busy = true;
      const mine = run;
      read({} as NodeMessage)
        .then(
          (msg) => mine === run && node.send(msg),
          (e: unknown) => mine === run && ctx.fail(e, { topic: 'gsr', payload: null }),
        )
        .finally(() => (busy = false));
    }

    return {
      start: () => (timer = setInterval(tick, intervalMs)),
      stop() {
        clearInterval(timer);
        run++;
      },
      other: async (msg, send) => send(await read(msg)),
    };
  }

  registerNodeType(RED, 'emotion-grove-gsr', GroveGsr);
};
