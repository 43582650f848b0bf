// emotion-arousal: watch mode. Each participant's log skin conductance over a sliding window against their
// own previous minutes (src/signal/arousal.ts), as rising / steady / falling per window on output 1, and one
// alert per rising episode on output 2. Driven by the records' timestamps: no timers here.
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { ArousalTracker, DEFAULT_SETTINGS, formatDuration, type ArousalAlert, type ArousalReading, type Outcome } from '../../src/signal/arousal';
import { translateError, translator, type Translate } from '../lib/i18n';
import { configNumber, onInput, readSettingsOrFail, status, usePlausibleRanges } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface ArousalDef extends NodeDef {
  participant: string;
  windowSeconds: string;
  everySeconds: string;
  historyMinutes: string;
  enterZ: string;
  leaveZ: string;
  alertWindows: string;
  quietMinutes: string;
}

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  const t = translator(RED);
  function EmotionArousal(this: Node, def: ArousalDef) {
    RED.nodes.createNode(this, def);
    setup(this, def, t);
  }
  registerNodeType(RED, 'emotion-arousal', EmotionArousal);
};

function setup(node: Node, def: ArousalDef, t: Translate): void {
  const made = readSettingsOrFail(node, () => new ArousalTracker(readSettings(def)));
  if (!made) return;
  const tracker = made; // a const the nested functions below can rely on
  let shown = '';
  status.idle(node, t('emotion-arousal.status.waiting'));

  onInput(node, (msg, send) => {
    let outcome: Outcome;
    try {
      outcome = tracker.add(msg.payload);
    } catch (e) {
      shown = ''; // the status turns red: the next good record repaints it
      throw translateError(t, 'emotion-arousal', e);
    }
    const { reading, alert } = outcome;
    if (reading) send([stateMsg(reading), alert ? alertMsg(alert, reading, t) : null]); // most records end no window
    show(outcome);
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    status.clear(node);
    done();
  });

  /** The latest participant's state (records arrive every second: the status only changes with it). */
  function show({ participant, gapSeconds, alert, reading }: Outcome): void {
    const state = reading?.state ?? tracker.stateOf(participant);
    let text: string;
    let paint = state === 'rising' ? status.warn : state === 'warming-up' ? status.idle : status.ok;
    if (gapSeconds !== undefined) {
      text = t('emotion-arousal.status.gap', { participant, seconds: gapSeconds });
      paint = status.warn;
    } else if (alert) {
      text = t('emotion-arousal.status.alert', { participant, duration: formatDuration(alert.risingSeconds) });
    } else if (reading || state === 'warming-up') {
      text = t(`emotion-arousal.status.${state}`, { participant, z: reading?.z ?? '' });
    } else return; // between windows the last window's status stands
    if (text === shown) return;
    shown = text;
    paint(node, text);
  }
}

/** Output 1: every window's state. */
function stateMsg(reading: ArousalReading): NodeMessage {
  return { topic: `arousal/${reading.participant}/state`, payload: reading.state, arousal: reading } as NodeMessage;
}

/**
 * Output 2: an alert, for the dashboard, MQTT (topic arousal/<participant>, payload as JSON) and sns-notify
 * (msg.emotion.label is the text). It says what was measured, never a diagnosis.
 */
function alertMsg(alert: ArousalAlert, reading: ArousalReading, t: Translate): NodeMessage {
  const text = t('emotion-arousal.alert.rising', { duration: formatDuration(alert.risingSeconds) });
  return {
    topic: `arousal/${alert.participant}`,
    payload: { ...alert, text },
    arousal: reading,
    emotion: { label: text, participant: alert.participant, timestamp: alert.timestamp, source: 'emotion-arousal' },
  } as NodeMessage;
}

function readSettings(def: ArousalDef) {
  const d = DEFAULT_SETTINGS;
  const seconds = (value: string, name: string, fallback: number, scale = 1) =>
    Math.round(configNumber(value, name, { min: 0, fallback: fallback / scale }) * scale);
  return {
    participant: def.participant?.trim() || undefined,
    windowSeconds: seconds(def.windowSeconds, 'window (s)', d.windowSeconds),
    everySeconds: seconds(def.everySeconds, 'every (s)', d.everySeconds),
    historySeconds: seconds(def.historyMinutes, 'history (min)', d.historySeconds, 60),
    enterZ: configNumber(def.enterZ, 'start threshold (z)', { fallback: d.enterZ }),
    leaveZ: configNumber(def.leaveZ, 'hold threshold (z)', { fallback: d.leaveZ }),
    alertWindows: configNumber(def.alertWindows, 'alert after (windows)', { fallback: d.alertWindows }),
    quietMs: seconds(def.quietMinutes, 'quiet period (min)', d.quietMs / 1000, 60) * 1000,
  };
}
