/** What every reader needs from a Grove Base Hat, real (I2C) or simulated. */
export interface GroveHat {
  /** True for the simulated hat: everything made from its readings must say `simulated: true`. */
  readonly simulated: boolean;
  /** One 12-bit reading (0..4095) of an analog channel 0..7 (socket A0 = channel 0, A4 = channel 4). */
  readRaw(channel: number): Promise<number>;
  close(): Promise<void>;
}

export const CHANNEL_COUNT = 8;

/** Throws a clear error for anything that is not a channel number 0..7. */
export function checkChannel(channel: number): number {
  if (!Number.isInteger(channel) || channel < 0 || channel >= CHANNEL_COUNT) {
    throw new RangeError(`channel must be an integer 0..${CHANNEL_COUNT - 1}, got ${channel}`);
  }
  return channel;
}
