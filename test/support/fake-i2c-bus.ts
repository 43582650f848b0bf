// A fake I2C bus with a Grove Base Hat on it, emulating the firmware's register map byte for byte
// (Seeed grove_rpi_base_hat firmware v0.2, as read by grove/adc.py): every register is a 16-bit word sent
// low byte first. It can play a wrong product id, EIO errors, a missing device and a missing /dev/i2c-N,
// with the errno codes Linux's i2c-dev gives.
import type { HatBus, OpenBus } from '../../src/hat/i2c-hat';

export interface FakeHatOptions {
  address?: number;
  productId?: number;
  vddaMv?: number;
  /** /dev/i2c-N does not exist: the first transfer fails with ENOENT, as i2c-bus opens the file lazily */
  missingBus?: boolean;
  /** nothing answers at the address: transfers fail with EREMOTEIO (a NACK) */
  absent?: boolean;
}

export interface Transfer {
  address: number;
  register: number;
  length: number;
}

export class FakeI2cBus implements HatBus {
  readonly address: number;
  productId: number;
  vddaMv: number;
  missingBus: boolean;
  absent: boolean;
  /** the 12-bit conversion result per channel 0..7 */
  raw = [0, 0, 0, 0, 0, 0, 0, 0];
  /** the next n transfers fail with EIO */
  failures = 0;
  /** replaces the high byte of the next transfers (a garbled transfer) */
  garbleHighByte: number | null = null;
  readonly transfers: Transfer[] = [];
  closed = false;
  private inFlight = 0;
  maxInFlight = 0;

  constructor(opts: FakeHatOptions = {}) {
    this.address = opts.address ?? 0x04;
    this.productId = opts.productId ?? 0x0004;
    this.vddaMv = opts.vddaMv ?? 3300;
    this.missingBus = opts.missingBus ?? false;
    this.absent = opts.absent ?? false;
  }

  /** The 16-bit value the firmware serves for a register. */
  register(reg: number): number {
    if (reg === 0x00) return this.productId;
    if (reg === 0x01) return 0x2886;
    if (reg === 0x02) return 0x0002;
    if (reg >= 0x10 && reg <= 0x17) return this.raw[reg - 0x10];
    if (reg >= 0x20 && reg <= 0x27) return Math.floor((this.vddaMv * this.raw[reg - 0x20]) / 4096);
    if (reg === 0x29) return this.vddaMv;
    if (reg >= 0x30 && reg <= 0x37) return Math.min(1000, Math.floor((1000 * this.register(reg - 0x10)) / this.vddaMv));
    return 0;
  }

  async readI2cBlock(address: number, register: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }> {
    if (this.closed) throw errno('EBADF', -9, 'bad file descriptor');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      this.transfers.push({ address, register, length });
      if (this.missingBus) throw errno('ENOENT', -2, "no such file or directory, open '/dev/i2c-1'");
      if (this.absent || address !== this.address) throw errno('EREMOTEIO', -121, 'Remote I/O error');
      if (this.failures > 0) {
        this.failures--;
        throw errno('EIO', -5, 'i/o error');
      }
      const word = this.register(register);
      const bytes = [word & 0xff, this.garbleHighByte ?? (word >> 8) & 0xff];
      // The firmware sends two bytes; a longer read clocks in an idle (pulled-up) bus.
      for (let i = 0; i < length; i++) buffer[i] = i < 2 ? bytes[i] : 0xff;
      return { bytesRead: length, buffer };
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Opening again after a close gives a working handle, as a fresh i2c-bus open would. */
  async open(busNumber: number): Promise<this> {
    this.opened.push(busNumber);
    this.closed = false;
    return this;
  }

  /** the bus numbers open() was called with */
  readonly opened: number[] = [];

  /** An OpenBus that hands out this bus. */
  opener(): OpenBus & { opened: number[] } {
    return Object.assign((busNumber: number) => this.open(busNumber), { opened: this.opened });
  }
}

function errno(code: string, num: number, text: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${text}`) as NodeJS.ErrnoException;
  e.code = code;
  e.errno = num;
  return e;
}
