// What grove-gsr and grove-ear-hr share: finding their hat, start/stop and msg.stimulus, the status
// dot, and reporting sampling failures (outside an input handler) without flooding.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { GroveHat } from '../../src/hat/hat';
import { isStimulus, SimulatedHat, STIMULI, type Stimulus } from '../../src/hat/simulated-hat';
import { RepeatGate } from '../../src/hat/repeat-gate';
import { onInput, status, toError, type Send, readSettingsOrFail } from '../lib/node-kit';

/** The runtime face of a grove-base-hat config node. */
export interface HatConfigNode extends Node {
  readonly simulated: boolean;
  /** the hat, opened on first use and shared by every reader */
  hat(): Promise<GroveHat>;
  /** drives the simulated hat; throws on an I2C hat */
  setStimulus(s: Stimulus): void;
}

export interface ReaderDef extends NodeDef {
  hat: string;
  startOnDeploy: boolean | string;
}

export interface Sampler {
  start(): void;
  stop(): void;
  /** a message that is neither start/stop nor a stimulus; without it such messages are an error */
  other?(msg: NodeMessageInFlow, send: Send): Promise<void>;
}

export interface ReaderContext {
  hatNode: HatConfigNode;
  /** marks a good reading: the status shows sampling (or stopped) again, or the no-contact warning */
  show(state: 'ok' | 'no-contact'): void;
  /** a failure outside an input handler: node.error(err, msg) and a red status, once per 10 s per message */
  fail(err: unknown, msg: NodeMessage): void;
  /** marks a message as made from simulated data, with the stimulus the simulated body follows (msg.simulation) */
  stamp<M extends object>(msg: M, hat: GroveHat): M;
}

export function runReader(RED: NodeAPI, node: Node, def: ReaderDef, build: (ctx: ReaderContext) => Sampler): void {
  const t = (key: string, subs?: Record<string, string>) => RED._(`reader.${key}`, subs);
  let running = false;
  let shown = '';
  let toldNoStimulus = false;
  const gate = new RepeatGate();
  const show = (key: string, paint: () => void) => {
    if (key !== shown) paint();
    shown = key;
  };
  const showRunState = () => {
    if (!running) show('stopped', () => status.idle(node, t('status.stopped')));
    else if (ctx.hatNode.simulated) show('sampling', () => status.busy(node, t('status.samplingSimulated')));
    else show('sampling', () => status.ok(node, t('status.sampling')));
  };
  const ctx: ReaderContext = {
    hatNode: RED.nodes.getNode(def.hat) as HatConfigNode,
    show: (state) => (state === 'ok' ? showRunState() : show('no-contact', () => status.warn(node, t('status.noContact')))),
    fail(e, msg) {
      const err = toError(e);
      show(`error:${err.message}`, () => status.error(node, err));
      if (gate.allows(err.message)) node.error(err, msg);
    },
    stamp: (msg, hat) =>
      hat instanceof SimulatedHat ? Object.assign(msg, { simulated: true, simulation: hat.simulationAt() }) : hat.simulated ? Object.assign(msg, { simulated: true }) : msg,
  };

  const built = readSettingsOrFail(node, () => {
    if (!ctx.hatNode || typeof ctx.hatNode.hat !== 'function') {
      throw new Error(t('error.noHat'));
    }
    return build(ctx);
  });
  if (!built) return;
  const sampler = built; // a const the handlers below can rely on

  const start = () => {
    if (!running) sampler.start();
    running = true;
    showRunState();
  };
  const stop = () => {
    if (running) sampler.stop();
    running = false;
    showRunState();
  };

  onInput(node, (msg, send) =>
    handle(msg, send).catch((e: unknown) => {
      shown = 'input-error'; // onInput painted the red status
      throw e;
    }),
  );

  async function handle(msg: NodeMessageInFlow, send: Send): Promise<void> {
    const m = msg as NodeMessageInFlow & { stimulus?: unknown };
    if (m.stimulus !== undefined) {
      if (!isStimulus(m.stimulus)) throw new Error(t('error.unknownStimulus', { stimulus: String(m.stimulus), known: STIMULI.join(', ') }));
      // The shipped flows send the stimulus on every recording: on a real hat it means nothing, and an
      // error there would greet each Start and Stop with a red notification. Said once in the log.
      if (ctx.hatNode.simulated) ctx.hatNode.setStimulus(m.stimulus);
      else if (!toldNoStimulus) {
        toldNoStimulus = true;
        node.warn(t('error.stimulusIgnored'));
      }
    }
    if (msg.payload === 'start') start();
    else if (msg.payload === 'stop') stop();
    else if (m.stimulus !== undefined) return;
    else if (sampler.other) await sampler.other(msg, send);
    else throw new Error(t('error.badInput', { type: node.type }));
  }

  node.on('close', (_removed: boolean, done: () => void) => {
    if (running) sampler.stop();
    running = false;
    status.clear(node);
    done();
  });

  if (def.startOnDeploy === true || def.startOnDeploy === 'true' || def.startOnDeploy === undefined) start();
  else showRunState();
}
