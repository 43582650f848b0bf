// sensor-record: joins the latest GSR (grove-gsr) and BPM (pulse-bpm) into one record per tick, with
// participant, mood and session, rounded to 3 decimals. Output 1: records; output 2: recording state.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { parseLabels } from '../../src/model/label-map';
import { Recorder, type RecorderState, type StartOptions } from '../../src/record/recorder';
import { configNumber, onInput, status, readSettingsOrFail, usePlausibleRanges } from '../lib/node-kit';

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
  participant?: unknown;
  mood?: unknown;
  session?: unknown;
  duration?: unknown;
  simulated?: unknown;
}

export = function (RED: NodeAPI) {
  usePlausibleRanges(RED);
  function SensorRecord(this: Node, def: SensorRecordDef) {
    RED.nodes.createNode(this, def);
    setup(this, def);
  }
  RED.nodes.registerType('emotion-sensor-record', SensorRecord);
};

function setup(node: Node, def: SensorRecordDef): void {
  const settings = readSettingsOrFail(node, () => {
    const duration = configNumber(def.duration, 'duration', { min: 0, fallback: 0 });
    return {
      tickMs: configNumber(def.tick, 'tick', { min: 0.01, max: 3600, fallback: 1 }) * 1000,
      defaultDurationMs: duration > 0 ? duration * 1000 : undefined,
      recorder: new Recorder({
        labels: parseLabels(def.labels),
        maxAgeMs: configNumber(def.maxAge, 'max age', { min: 0.01, fallback: 3 }) * 1000,
        participant: def.participant?.trim() || undefined,
        mood: def.mood?.trim() || undefined,
        session: def.session?.trim() || undefined,
      }),
    };
  });
  if (!settings) return;
  const { tickMs, defaultDurationMs, recorder } = settings;
  let lastSkip: string | undefined;

  // Nothing is sent while the flow is still starting: downstream nodes may not exist yet.
  if (def.autoStart !== false && recorder.state.participant) recorder.start(Date.now(), { durationMs: defaultDurationMs });
  showStatus();

  const timer = setInterval(() => {
    const now = Date.now();
    const outcome = recorder.tick(now);
    if (outcome.kind === 'idle') return;
    lastSkip = outcome.kind === 'skip' ? outcome.reason : undefined;
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
    if (topic === 'gsr') recorder.gsr(reading(msg.payload, 'gsr'), now, msg.simulated === true);
    else if (topic === 'bpm') recorder.bpm(reading(msg.payload, 'bpm'), now, msg.simulated === true);
    else if (topic === 'participant') recorder.setParticipant(String(msg.payload ?? ''));
    else if (topic === 'mood') recorder.setMood(msg.payload as string | null, now);
    else if (topic === 'session') recorder.setSession(msg.payload as string);
    else if (!setAny) {
      throw new Error(`unknown msg.topic "${topic}": send topic gsr, bpm, control, participant, mood or session`);
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
        durationMs: msg.duration === undefined || msg.duration === '' ? defaultDurationMs : seconds(msg.duration) * 1000,
      });
    } else if (command === 'stop') {
      recorder.stop();
      node.send([null, stateMsg(recorder.state, now)]);
      showStatus();
    } else {
      throw new Error(`control payload must be "start" or "stop", got ${JSON.stringify(msg.payload)}`);
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
    const counts = `${s.records} rec${s.skipped ? `, ${s.skipped} skipped` : ''}`;
    if (!s.recording) {
      if (!s.participant) status.warn(node, 'no participant');
      else status.idle(node, s.startedAt === undefined ? 'stopped' : `stopped: ${counts}`);
    } else if (lastSkip) {
      status.warn(node, `${lastSkip}: ${s.skipped} skipped`);
    } else {
      status.busy(node, `${s.mood ?? 'live'}: ${counts}`);
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

function reading(payload: unknown, name: string): number | null {
  if (payload === null || typeof payload === 'number') return payload;
  throw new Error(`msg.payload for topic "${name}" must be a number or null, got ${JSON.stringify(payload)}`);
}

function seconds(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`msg.duration must be a positive number of seconds, got ${JSON.stringify(value)}`);
  return n;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
