// sensor-record: joins the latest GSR (grove-gsr) and BPM (pulse-bpm) into one record per tick, with
// participant, mood and session, rounded to 3 decimals. Output 1: records; output 2: recording state.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { parseLabels } from '../../src/model/label-map';
import { Recorder, type RecorderState, type SkipProblem, type StartOptions } from '../../src/record/recorder';
import { translator, type Translate } from '../lib/i18n';
import { configNumber, onInput, status, readSettingsOrFail, usePlausibleRanges, nodeError } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface SensorRecordDef extends NodeDef {
  participant: string;
  mood: string;
  session: string;
  labels: string;
  tick: string;
  maxAge: string;
  duration: string;
  autoStart: boolean;
}

/** The msg properties a dashboard (or any flow) may set. */
interface RecordMsg extends NodeMessageInFlow {
  hr?: { newIbiMs?: unknown };
  participant?: unknown;
  mood?: unknown;
  session?: unknown;
  duration?: unknown;
  simulated?: unknown;
}

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  const t = translator(RED);
  function SensorRecord(this: Node, def: SensorRecordDef) {
    RED.nodes.createNode(this, def);
    setup(this, def, t);
  }
  registerNodeType(RED, 'emotion-sensor-record', SensorRecord);
};

function setup(node: Node, def: SensorRecordDef, t: Translate): void {
  const settings = readSettingsOrFail(node, () => {
    const duration = configNumber(t, def.duration, 'duration', { min: 0, fallback: 0 });
    return {
      tickMs: configNumber(t, def.tick, 'tick', { min: 0.01, max: 3600, fallback: 1 }) * 1000,
      defaultDurationMs: duration > 0 ? duration * 1000 : undefined,
      recorder: new Recorder({
        labels: parseLabels(def.labels),
        maxAgeMs: configNumber(t, def.maxAge, 'maxAge', { min: 0.01, fallback: 3 }) * 1000,
        participant: def.participant?.trim() || undefined,
        mood: def.mood?.trim() || undefined,
        session: def.session?.trim() || undefined,
      }),
    };
  });
  if (!settings) return;
  const { tickMs, defaultDurationMs, recorder } = settings;
  let lastSkip: SkipProblem | undefined;

  // Nothing is sent while the flow is still starting: downstream nodes may not exist yet.
  if (def.autoStart !== false && recorder.state.participant) recorder.start(Date.now(), { durationMs: defaultDurationMs });
  showStatus();

  const timer = setInterval(() => {
    const now = Date.now();
    const outcome = recorder.tick(now);
    if (outcome.kind === 'idle') return;
    lastSkip = outcome.kind === 'skip' ? recorder.lastSkip : undefined;
    node.send([outcome.kind === 'record' ? { topic: 'record', payload: outcome.record } : null, stateMsg(recorder.state, now)]);
    showStatus();
  }, tickMs);

  onInput(node, (input) => {
    const msg = input as RecordMsg;
    const now = Date.now();
    const topic = typeof msg.topic === 'string' ? msg.topic.trim().toLowerCase() : '';
    if (topic === 'control') {
      control(msg, now);
      return;
    }
    const setAny = applyProperties(msg, now);
    if (topic === 'gsr') recorder.gsr(reading(msg.payload, 'gsr', t), now, msg.simulated === true);
    else if (topic === 'bpm') recorder.bpm(reading(msg.payload, 'bpm', t), now, msg.simulated === true, newIntervals(msg));
    else if (topic === 'participant') recorder.setParticipant(String(msg.payload ?? ''));
    else if (topic === 'mood') recorder.setMood(msg.payload as string | null, now);
    else if (topic === 'session') recorder.setSession(msg.payload as string);
    else if (!setAny) {
      throw nodeError(t, 'sensor-record.errors.topic', { topic });
    }
    if (topic !== 'gsr' && topic !== 'bpm') showStatus();
  });

  node.on('close', (_removed: boolean, done: () => void) => {
    clearInterval(timer);
    status.clear(node);
    done();
  });

  /** topic "control": payload "start" / "stop" (or true / false from a switch). */
  function control(msg: RecordMsg, now: number): void {
    const command = msg.payload === true ? 'start' : msg.payload === false ? 'stop' : String(msg.payload).trim().toLowerCase();
    if (command === 'start') {
      start(now, {
        participant: optionalText(msg.participant),
        mood: msg.mood === undefined ? undefined : (msg.mood as string | null),
        session: optionalText(msg.session),
        durationMs: msg.duration === undefined || msg.duration === '' ? defaultDurationMs : seconds(msg.duration, t) * 1000,
      });
    } else if (command === 'stop') {
      recorder.stop();
      node.send([null, stateMsg(recorder.state, now)]);
      showStatus();
    } else {
      throw nodeError(t, 'sensor-record.errors.control', { payload: String(JSON.stringify(msg.payload)) });
    }
  }

  function start(now: number, opts: StartOptions): void {
    recorder.start(now, opts);
    lastSkip = undefined;
    node.send([null, stateMsg(recorder.state, now)]);
    showStatus();
  }

  /** msg.participant / msg.mood / msg.session on any msg update the settings; true when one did. */
  function applyProperties(msg: RecordMsg, now: number): boolean {
    if (msg.participant !== undefined) recorder.setParticipant(String(msg.participant));
    if (msg.mood !== undefined) recorder.setMood(msg.mood as string | null, now);
    if (msg.session !== undefined) recorder.setSession(msg.session as string);
    return msg.participant !== undefined || msg.mood !== undefined || msg.session !== undefined;
  }

  function showStatus(): void {
    const s = recorder.state;
    const counts = t(s.skipped ? 'sensor-record.status.recordsSkipped' : 'sensor-record.status.records', { records: s.records, skipped: s.skipped });
    if (!s.recording) {
      if (!s.participant) status.warn(node, t('sensor-record.status.noParticipant'));
      else status.idle(node, s.startedAt === undefined ? t('sensor-record.status.stopped') : t('sensor-record.status.stoppedCounts', { counts }));
    } else if (lastSkip) {
      const reason = t(`sensor-record.status.skip.${lastSkip.key}`, lastSkip.vars);
      status.warn(node, t('sensor-record.status.skipping', { reason, skipped: s.skipped }));
    } else {
      status.busy(node, t('sensor-record.status.recording', { mood: s.mood ?? t('sensor-record.status.live'), counts }));
    }
  }
}

/** Output 2: what a dashboard needs for a progress bar and Start/Stop buttons. */
function stateMsg(s: RecorderState, now: number) {
  const elapsedMs = s.startedAt === undefined ? 0 : Math.max(0, now - s.startedAt);
  return {
    topic: 'state',
    payload: {
      recording: s.recording,
      participant: s.participant,
      mood: s.mood,
      session: s.session,
      records: s.records,
      skipped: s.skipped,
      elapsedSeconds: Math.round(elapsedMs / 100) / 10,
      durationSeconds: s.durationMs === undefined ? undefined : s.durationMs / 1000,
      progress: s.durationMs ? Math.min(1, elapsedMs / s.durationMs) : undefined,
    },
  };
}

function reading(payload: unknown, topic: string, t: Translate): number | null {
  if (payload === null || typeof payload === 'number') return payload;
  throw nodeError(t, 'sensor-record.errors.reading', { topic, payload: String(JSON.stringify(payload)) });
}

/** pulse-bpm's beat intervals since its previous message, when the BPM came from it. */
function newIntervals(msg: RecordMsg): number[] | undefined {
  const list = msg.hr?.newIbiMs;
  return Array.isArray(list) ? list : undefined;
}

function seconds(value: unknown, t: Translate): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw nodeError(t, 'sensor-record.errors.duration', { duration: String(JSON.stringify(value)) });
  return n;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
