// Grove GSR sensor: 12-bit Base Hat reading -> skin resistance and conductance.
//
// Seeed's formula (Seeed wiki "Grove - GSR Sensor", wiki.seeedstudio.com/Grove-GSR_Sensor) for a 10-bit
// Arduino reading x:
//   R = ((1024 + 2x) * 10000) / (512 - x) ohm
// after trimming the unworn output to half scale (512). With r = x / full scale it no longer depends on
// the ADC width, so on the hat's 12-bit ADC (r = raw / 4096):
//   R = 20 kΩ · (1 + 2r) / (1 − 2r)        G = 1e6 / R = 50 · (1 − 2r) / (1 + 2r) µS
// r = 0 is 20 kΩ (50 µS, the most the circuit can show); r → 0.5 is an open circuit. A reading at or above
// half scale therefore means no skin contact (and the LM324 saturates near 55 % of scale at 3.3 V), so it
// is reported as such instead of as a negative or infinite resistance.

export const ADC_FULL_SCALE = 4096;
export const DEFAULT_REFERENCE_MV = 3300;
const HALF_SCALE = ADC_FULL_SCALE / 2;

export interface GsrContact {
  contact: true;
  raw: number;
  millivolts: number;
  resistanceOhm: number;
  conductanceUS: number;
}

export interface GsrNoContact {
  contact: false;
  raw: number;
  millivolts: number;
  resistanceOhm: null;
  conductanceUS: null;
}

export type GsrReading = GsrContact | GsrNoContact;

/** Converts one raw reading (integer 0..4095); referenceMv is the ADC reference (the hat's 3.3 V rail). */
export function convertGsr(raw: number, referenceMv = DEFAULT_REFERENCE_MV): GsrReading {
  if (!Number.isInteger(raw) || raw < 0 || raw >= ADC_FULL_SCALE) {
    throw new RangeError(`GSR raw reading must be an integer 0..4095, got ${raw}`);
  }
  if (!(referenceMv > 0)) throw new RangeError(`reference voltage must be positive, got ${referenceMv} mV`);
  const millivolts = (referenceMv * raw) / ADC_FULL_SCALE;
  if (raw >= HALF_SCALE) {
    return { contact: false, raw, millivolts, resistanceOhm: null, conductanceUS: null };
  }
  const r = raw / ADC_FULL_SCALE;
  return {
    contact: true,
    raw,
    millivolts,
    resistanceOhm: (20_000 * (1 + 2 * r)) / (1 - 2 * r),
    conductanceUS: (50 * (1 - 2 * r)) / (1 + 2 * r),
  };
}

/**
 * The inverse: the raw reading a skin conductance produces (r = (50 − G) / (2G + 100)), rounded to the
 * ADC step. Conductances above 50 µS pin at 0; 0 µS (open circuit) gives half scale.
 */
export function rawForConductance(conductanceUS: number): number {
  return Math.min(HALF_SCALE, Math.round(adcLevelForConductance(conductanceUS)));
}

/** The converter's input level for a skin conductance, in ADC steps before rounding (0..2048). */
export function adcLevelForConductance(conductanceUS: number): number {
  const g = Math.min(50, Math.max(0, conductanceUS));
  return (ADC_FULL_SCALE * (50 - g)) / (2 * g + 100);
}
