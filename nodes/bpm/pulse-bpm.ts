// pulse-bpm: turns grove-ear-hr sample batches (or single timestamped samples) into beats per minute,
// inter-beat intervals and a signal quality, with the detector in src/signal; this file only wires it in.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { BeatDetector, type HeartState } from '../../src/signal/beat-detector';
import { BpmReporter, type EmitMode, type Report } from '../../src/signal/bpm-reporter';
import { parsePulseMessage } from '../../src/signal/pulse-input';
import { round3 } from '../../src/record/record';
import { translateError, translator } from '../lib/i18n';
import { configNumber, onInput, status, type Send, readSettingsOrFail } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface PulseBpmDef extends NodeDef {
  emit: string;
  interval: string;
  minAmplitude: string;
  saturation: string;
  invert: boolean;
  waveform: string;
}

export = function (RED: NodeAPI) {
  const t = translator(RED);

  function PulseBpm(this: Node, def: PulseBpmDef) {
    RED.nodes.createNode(this, def);
    const node = this as Node;
    const reporter = readSettingsOrFail(node, () => makeReporter(def));
    if (!reporter) return;
    let shown = '';
    status.idle(node, t('pulse-bpm.status.waiting'));

    onInput(node, (msg, send) => {
      try {
        const reports = read(reporter, msg);
        emit(msg, reports, send);
        show(reports.at(-1)?.state ?? reporter.state());
      } catch (e) {
        shown = ''; // the status turns red: the next good reading must repaint it
        throw translateError(t, 'pulse-bpm', e); // the catalogue's key, not the type name
      }
    });

    function read(r: BpmReporter, msg: NodeMessageInFlow): Report[] {
      const input = parsePulseMessage(msg as NodeMessageInFlow & { timestamp?: unknown; reset?: unknown });
      if (input.reset) r.reset();
      if (input.batch) return r.feedBatch(input.batch);
      if (input.sample) return r.feedSample(input.sample.tMs, input.sample.value);
      // a bare reset answers with the cleared state, so downstream sees the BPM go null
      return input.reset ? [{ tMs: Date.now(), state: r.state(), newIbiMs: [] }] : [];
    }

    /** The last report travels on the incoming msg (so msg.simulated and the rest pass through); earlier ones on copies. */
    function emit(msg: NodeMessageInFlow, reports: Report[], send: Send): void {
      reports.forEach((report, i) => {
        const out = (i === reports.length - 1 ? msg : RED.util.cloneMessage(msg)) as NodeMessage & Record<string, unknown>;
        const { bpm, ibiMs, quality, beats } = report.state;
        out.topic = 'bpm';
        out.payload = bpm === null ? null : round3(bpm);
        out.hr = { bpm: out.payload, ibiMs: ibiMs.map(round3), newIbiMs: report.newIbiMs.map(round3), quality, beats };
        out.timestamp = report.tMs;
        delete out.reset;
        send(out);
      });
    }

    function show(s: HeartState): void {
      const text =
        s.quality === 'no-contact'
          ? t('pulse-bpm.status.noContact')
          : t('pulse-bpm.status.bpm', { bpm: s.bpm === null ? '--' : Math.round(s.bpm), quality: t(`pulse-bpm.status.${s.quality}`) });
      if (text === shown) return;
      shown = text;
      if (s.quality === 'good') status.ok(node, text);
      else if (s.quality === 'noisy') status.warn(node, text);
      else status.idle(node, text);
    }
  }

  function makeReporter(def: PulseBpmDef): BpmReporter {
    const mode: EmitMode = def.emit === 'beat' ? 'beat' : 'interval';
    const intervalS = configNumber(t, def.interval, 'interval', { min: 0.1, max: 3600, fallback: 1 });
    const waveform = def.waveform === 'ecg' ? 'ecg' : 'pulse'; // older flows: 'pulse' (nodes/lib/migrations.ts)
    // blank: the hat's 20 counts for a pulse; adaptive (flat only when constant) for an ECG, whose detector needs
    // no floor. An older ECG flow's 0.1 (the former advice) stays its flat-signal limit and nothing more.
    const minAmplitude = configNumber(t, def.minAmplitude, 'minAmplitude', { min: 0, fallback: waveform === 'ecg' ? 0 : 20 });
    // blank in the editor: never saturated; absent (a flow written by hand): the hat's 12-bit top
    const saturationLevel = def.saturation === '' ? null : configNumber(t, def.saturation, 'saturation', { fallback: 4095 });
    const detector = new BeatDetector({ minAmplitude, saturationLevel, invert: Boolean(def.invert), waveform });
    return new BpmReporter(detector, mode, intervalS * 1000);
  }

  registerNodeType(RED, 'emotion-pulse-bpm', PulseBpm);
};
