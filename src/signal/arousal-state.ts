// What a window's z says (rising / steady / falling, with hysteresis), and when a rising episode becomes an
// alert: after `alertWindows` rising windows in a row, once per episode, never within `quietMs` of the last.

export type ArousalState = 'rising' | 'steady' | 'falling' | 'warming-up';

export interface Thresholds {
  /** a state starts when z passes +enterZ (rising) or -enterZ (falling) */
  enterZ: number;
  /** and holds until z is back to +leaveZ (rising) or -leaveZ (falling); 0 <= leaveZ <= enterZ */
  leaveZ: number;
}

/**
 * The defaults come from the research recipe (window above its 5-min history = stress, i.e. z > 0) and
 * Cohen's convention that 0.2 standard deviations is a "small" effect: a state needs a small effect to
 * start and holds until the sign flips, so a window hovering at z = 0 does not flap.
 */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ enterZ: 0.2, leaveZ: 0 });

export function classify(z: number, previous: ArousalState, t: Thresholds): Exclude<ArousalState, 'warming-up'> {
  if (previous === 'rising' && z > t.leaveZ) return 'rising';
  if (previous === 'falling' && z < -t.leaveZ) return 'falling';
  if (z > t.enterZ) return 'rising';
  if (z < -t.enterZ) return 'falling';
  return 'steady';
}

export interface AlertRules {
  /** rising windows in a row before an alert */
  alertWindows: number;
  /** no alert within this long (record time) after the previous one */
  quietMs: number;
}

export interface Alert {
  /** rising windows in a row so far */
  risingWindows: number;
  /** when the episode began (ms) */
  since: number;
}

/** One participant's episodes: counts rising windows and decides when one earns its single alert. */
export class AlertEpisodes {
  private rising = 0;
  private alerted = false;
  private lastAlertAt: number | undefined;

  constructor(private readonly rules: AlertRules) {}

  /** Called once per window with its state and end time; returns the alert this window raises, if any. */
  next(state: ArousalState, at: number, since: number): Alert | undefined {
    if (state !== 'rising') {
      this.rising = 0;
      this.alerted = false;
      return undefined;
    }
    this.rising += 1;
    if (this.alerted || this.rising < this.rules.alertWindows) return undefined;
    if (this.lastAlertAt !== undefined && at - this.lastAlertAt < this.rules.quietMs) return undefined;
    this.alerted = true;
    this.lastAlertAt = at;
    return { risingWindows: this.rising, since };
  }
}
