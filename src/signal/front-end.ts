// The part of pulse-wave beat detection that depends on the waveform: filters and a feature that turn samples
// into candidate beats. BeatDetector does the rest (which candidate is a beat, intervals, quality).

export interface Candidate {
  /** Time of the beat's peak (ms, the input's time base). */
  tMs: number;
  /** How strong it is, in the front end's own units: comparable between candidates of one front end only. */
  height: number;
}

export interface FrontEnd {
  /** The sample spacing (ms) changed. */
  setSpacing(dt: number): void;
  /** Restart the filters at this input level (first sample, after a gap), so there is no step to detect. */
  seed(x: number): void;
  /** One sample; a candidate when one is complete. Not `armed`: filters and levels only (warm-up). */
  step(tMs: number, x: number, armed: boolean): Candidate | null;
  /** A candidate is still growing: a pending beat must wait for it (it may be taller). */
  busy(): boolean;
  /** A beat was accepted; `beatHeight` is the running beat height. */
  beat(beatHeight: number): void;
  /** Contact lost: forget what was learned about beat heights. */
  forget(): void;
  reset(): void;
}
