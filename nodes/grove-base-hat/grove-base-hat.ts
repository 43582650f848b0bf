// grove-base-hat: the config node the sensor readers share. It owns one hat: the I2C bus opened lazily
// once (product id checked, reads serialised), or the simulated hat with its stimulus.
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { GroveHat } from '../../src/hat/hat';
import { DEFAULT_ADDRESS, findI2cHat, loadI2cBus, openI2cHat, type OpenBus } from '../../src/hat/i2c-hat';
import { SimulatedHat, type Stimulus } from '../../src/hat/simulated-hat';
import { translateAddonError, translateError, translator } from '../lib/i18n';
import { configNumber, toError, userDir } from '../lib/node-kit';
import type { HatConfigNode } from './reader';
import { registerNodeType } from '../lib/migrations';

interface HatDef extends NodeDef {
  mode: 'i2c' | 'simulated';
  bus: string;
  address: string;
  seed: string;
  participant: string;
}

/** After a failed open, readers get the same error for this long before the hat is tried again. */
const REOPEN_AFTER_MS = 2000;

export = function (RED: NodeAPI) {
  function GroveBaseHat(this: Node, def: HatDef) {
    RED.nodes.createNode(this, def);
    setup(this as HatConfigNode, def);
  }

  function setup(node: HatConfigNode, def: HatDef) {
    let opening: Promise<GroveHat> | undefined;
    let failedAt = 0;
    let closed = false;
    const simulated = def.mode === 'simulated' ? simulatedHat(def) : undefined;
    // i2c-bus is loaded at deploy, so a missing or unbuilt native addon is told at start, once, with the
    // command that fixes it; only a restart can load it afterwards, so it is not retried.
    let openBus: OpenBus | undefined;
    let addonProblem: Error | undefined;
    if (def.mode === 'i2c') {
      try {
        openBus = loadI2cBus({ fallbackDir: userDir(RED) });
      } catch (e) {
        addonProblem = toError(translateAddonError(translator(RED), 'grove-base-hat', e));
        node.error(addonProblem.message);
      }
    }
    // The bus's errors (src/hat/i2c-hat.ts) in the runtime's language, for opening and for every read.
    const say = (e: unknown): Error => {
      const err = toError(e) as NodeJS.ErrnoException;
      return Object.assign(toError(translateError(translator(RED), 'grove-base-hat', err)), err.code ? { code: err.code } : {});
    };
    const speaking = (hat: GroveHat): GroveHat => ({
      simulated: hat.simulated,
      readRaw: (channel) => hat.readRaw(channel).catch((e: unknown) => Promise.reject(say(e))),
      close: () => hat.close(),
    });

    Object.assign(node, {
      simulated: simulated !== undefined,
      hat(): Promise<GroveHat> {
        if (closed) return Promise.reject(new Error(RED._('grove-base-hat.error.closed')));
        if (simulated) return Promise.resolve(simulated);
        if (addonProblem) return Promise.reject(addonProblem);
        if (opening && failedAt && Date.now() - failedAt >= REOPEN_AFTER_MS) opening = undefined;
        if (!opening) {
          failedAt = 0;
          opening = openFromConfig(def, openBus).then(speaking, (e: unknown) => Promise.reject(say(e)));
          opening.catch(() => (failedAt = Date.now()));
        }
        return opening;
      },
      setStimulus(s: Stimulus): void {
        if (!simulated) throw new Error(RED._('grove-base-hat.error.stimulusOnI2c'));
        simulated.setStimulus(s);
      },
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      const hat = opening;
      opening = undefined;
      if (!hat) return done();
      hat
        .then(
          (h) => h.close().catch((e: unknown) => node.warn(`closing the I2C bus: ${toError(e).message}`)),
          () => undefined, // never opened: nothing to close, and the failure was reported already
        )
        .finally(done);
    });
  }

  function simulatedHat(def: HatDef): SimulatedHat {
    const seed = Number(def.seed);
    return new SimulatedHat({ seed: Number.isFinite(seed) ? seed : 1, participant: def.participant || 'participant' });
  }

  async function openFromConfig(def: HatDef, openBus: OpenBus | undefined): Promise<GroveHat> {
    if (def.mode !== 'i2c' || !openBus) throw new Error(RED._('grove-base-hat.error.unknownMode', { mode: String(def.mode) }));
    const bus = configNumber(def.bus, 'I2C bus', { min: 0, max: 255, fallback: 1 });
    if (def.address === 'auto') return findI2cHat({ bus, openBus });
    const address = configNumber(def.address, 'I2C address', { min: 0x03, max: 0x77, fallback: DEFAULT_ADDRESS });
    return openI2cHat({ bus, address, openBus });
  }

  registerNodeType(RED, 'emotion-grove-base-hat', GroveBaseHat);
};
