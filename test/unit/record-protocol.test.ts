import assert from 'node:assert/strict';
import type { SensorRecord } from '../../src/record/record';
import { cleanRecords } from '../../src/model/clean';
import { needsWindows, recordsWithWindowFeatures } from '../../src/model/window-rows';
import { sessionWindows } from '../../src/model/windows';
import { recordingProtocol } from '../../src/record/recording-protocol';
import { FEATURE_SETS, type FeatureSetName } from '../../src/signal/window-features';
import { realRecords } from '../support/real-affect-protocol';

const HOUR = 3600_000;
const MOODS = ['angry', 'happy', 'sad', 'calm'];

/** A session of `seconds` one-second records of a mood, starting at `start` ms. */
function take(mood: string, start: number, seconds = 90): SensorRecord[] {
  return Array.from({ length: seconds }, (_, i) => ({ participant: 'ana', timestamp: start + i * 1000, gsr: 5, bpm: 70, mood, session: `${mood}-${start}` }));
}

/** The moods one after another from `start`, each a 90-s session. */
const sitting = (moods: string[], start: number) => moods.flatMap((m, i) => take(m, start + i * 100_000));

describe('the recording protocol the Training page teaches', () => {
  it('counts sessions, minutes and separate occasions per mood', () => {
    const p = recordingProtocol([...sitting(['angry', 'happy'], 0), ...sitting(['happy'], 2 * HOUR), ...take('sad', 3 * HOUR, 12)], MOODS);
    assert.deepEqual(p.moods.angry, { sessions: 1, minutes: 1.5, occasions: 1 });
    assert.deepEqual(p.moods.happy, { sessions: 2, minutes: 3, occasions: 2 });
    assert.deepEqual(p.moods.sad, { sessions: 0, minutes: 0.2, occasions: 0 }, 'a 12-s session is too short to use (the warm-up, then half a window)');
    assert.deepEqual(p.moods.calm, { sessions: 0, minutes: 0, occasions: 0 });
  });

  it('counts a session exactly when the trainer has a detection window of it, for either feature set', () => {
    // a gently varying skin signal, so every window feature has a value
    const session = (seconds: number) => take('happy', 0, seconds).map((r, i) => ({ ...r, gsr: 5 + 0.05 * Math.sin(i / 3) }));
    const trainerWindows = (setName: FeatureSetName, records: SensorRecord[]) => {
      const { features, windowSeconds } = FEATURE_SETS[setName];
      const rows = needsWindows(features) ? recordsWithWindowFeatures(records, windowSeconds).records : records;
      return sessionWindows(cleanRecords(rows, features, MOODS, 10), windowSeconds).flatMap((s) => s.windows).length;
    };
    for (const [setName, shortest, firstRow] of [['published', 15, 10], ['recommended', 54, 39]] as const) {
      const { features, windowSeconds } = FEATURE_SETS[setName];
      for (const seconds of [shortest - 1, shortest]) {
        const p = recordingProtocol(session(seconds), MOODS, { features, windowSeconds });
        assert.equal(p.firstRowSeconds, firstRow, setName);
        assert.equal(p.moods.happy.sessions, seconds >= shortest ? 1 : 0, `${setName}, a ${seconds}-s session`);
        assert.equal(trainerWindows(setName, session(seconds)) > 0, seconds >= shortest, `the trainer, ${setName}, a ${seconds}-s session`);
      }
    }
  });

  it('asks for two sessions of each mood, on two occasions, and a rest session, most important first', () => {
    const p = recordingProtocol(sitting(['angry', 'happy', 'sad', 'angry', 'happy', 'sad'], 0), MOODS);
    assert.deepEqual(
      p.missing.map((g) => g.text),
      [
        'record angry on another occasion (an hour or more later): all its sessions are from one sitting',
        'record happy on another occasion (an hour or more later): all its sessions are from one sitting',
        'record sad on another occasion (an hour or more later): all its sessions are from one sitting',
        'record calm too: a rest session, sitting quietly',
      ],
    );
    const first = recordingProtocol(take('happy', 0), MOODS);
    assert.deepEqual(
      first.missing.filter((g) => g.need === 'sessions').map((g) => g.text),
      ['record angry in two sessions (0 of 2 sessions)', 'record happy again (1 of 2 sessions)', 'record sad in two sessions (0 of 2 sessions)'],
    );
  });

  it('asks to vary the order when every sitting recorded the moods in the same order', () => {
    const same = recordingProtocol([...sitting(['calm', 'angry', 'happy', 'sad'], 0), ...sitting(['calm', 'angry', 'happy', 'sad'], 24 * HOUR)], MOODS);
    assert.deepEqual(same.missing.map((g) => g.need), ['order']);
    assert.equal(same.missing[0].text, 'vary the order: every sitting recorded calm → angry → happy → sad');
    const varied = recordingProtocol([...sitting(['calm', 'angry', 'happy', 'sad'], 0), ...sitting(['sad', 'calm', 'happy', 'angry'], 24 * HOUR)], MOODS);
    assert.deepEqual(varied.missing, [], 'complete: nothing missing');
  });

  it('on a real recording: Stress-Predict S02\'s hour is one sitting, whatever its blocks', () => {
    const records = realRecords('S02', ['base', 'stroop', 'rest1', 'interview']);
    const p = recordingProtocol(records, ['rest', 'stress']);
    assert.deepEqual(p.moods.rest.sessions, 2);
    assert.deepEqual(p.moods.stress.sessions, 2);
    assert.equal(p.moods.rest.occasions, 1);
    assert.ok(Math.abs(p.moods.rest.minutes - records.filter((r) => r.mood === 'rest').length / 60) < 0.1);
    assert.deepEqual(p.missing.map((g) => `${g.need} ${'mood' in g ? g.mood : ''}`), ['occasions rest', 'occasions stress']);
  });
});
