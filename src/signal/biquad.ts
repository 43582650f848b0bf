// Second-order IIR sections (biquads): Butterworth high- and low-passes by the bilinear transform with
// pre-warping (R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter coefficients", Q = 1/√2),
// run in transposed direct form II. Made for any sample rate, so the QRS detector's band is the same in Hz.

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
  z1: number;
  z2: number;
}

function section(kind: 'low' | 'high', cornerHz: number, rateHz: number): Biquad {
  const w0 = (2 * Math.PI * cornerHz) / rateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / Math.SQRT2; // sin(w0) / (2Q), Q = 1/√2: Butterworth
  const a0 = 1 + alpha;
  const edge = kind === 'low' ? (1 - cos) / 2 : (1 + cos) / 2;
  const middle = kind === 'low' ? 1 - cos : -(1 + cos);
  return { b0: edge / a0, b1: middle / a0, b2: edge / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0, z1: 0, z2: 0 };
}

/** A band-pass as a 2nd-order Butterworth high-pass at lowHz followed by a 2nd-order Butterworth low-pass at highHz. */
export function bandPass(lowHz: number, highHz: number, rateHz: number): Biquad[] {
  return [section('high', lowHz, rateHz), section('low', highHz, rateHz)];
}

export function biquadStep(f: Biquad, x: number): number {
  const y = f.b0 * x + f.z1;
  f.z1 = f.b1 * x - f.a1 * y + f.z2;
  f.z2 = f.b2 * x - f.a2 * y;
  return y;
}

/** The state a constant input x leaves the section in, so starting at x makes no step. */
export function biquadSeed(f: Biquad, x: number): number {
  const gain = (f.b0 + f.b1 + f.b2) / (1 + f.a1 + f.a2); // 1 for a low-pass, 0 for a high-pass
  const y = gain * x;
  f.z2 = f.b2 * x - f.a2 * y;
  f.z1 = f.b1 * x - f.a1 * y + f.z2;
  return y;
}

/** Seeds a cascade: each section at the steady output of the one before. */
export function seedCascade(filters: readonly Biquad[], x: number): void {
  let level = x;
  for (const f of filters) level = biquadSeed(f, level);
}

/** Gain (magnitude) and phase (radians) of a cascade at a frequency. */
export function response(filters: readonly Biquad[], hz: number, rateHz: number): { gain: number; phase: number } {
  const w = (2 * Math.PI * hz) / rateHz;
  let gain = 1;
  let phase = 0;
  for (const f of filters) {
    // H(e^jw) = (b0 + b1 e^-jw + b2 e^-2jw) / (1 + a1 e^-jw + a2 e^-2jw)
    const nr = f.b0 + f.b1 * Math.cos(w) + f.b2 * Math.cos(2 * w);
    const ni = -f.b1 * Math.sin(w) - f.b2 * Math.sin(2 * w);
    const dr = 1 + f.a1 * Math.cos(w) + f.a2 * Math.cos(2 * w);
    const di = -f.a1 * Math.sin(w) - f.a2 * Math.sin(2 * w);
    gain *= Math.hypot(nr, ni) / Math.hypot(dr, di);
    phase += Math.atan2(ni, nr) - Math.atan2(di, dr);
  }
  return { gain, phase };
}

/** Group delay (ms) of a cascade at a frequency: how late a wave at that frequency comes out. */
export function groupDelayMs(filters: readonly Biquad[], hz: number, rateHz: number): number {
  const dHz = 0.01;
  let dPhase = response(filters, hz + dHz, rateHz).phase - response(filters, hz - dHz, rateHz).phase;
  dPhase -= 2 * Math.PI * Math.round(dPhase / (2 * Math.PI)); // unwrap
  return (-dPhase / (2 * Math.PI * 2 * dHz)) * 1000;
}
