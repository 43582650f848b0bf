// The Grove Base Hat's ADC over I2C.
//
// Register map and byte order, checked against Seeed's driver `grove/adc.py` (Seeed-Studio/grove.py,
// MIT: RPI_HAT_PID 0x0004, RPI_ZERO_HAT_PID 0x0005, raw 0x10+ch "12 bits, in [0 - 4095]", voltage
// 0x20+ch in mV, ratio 0x30+ch in 0.1 %, default address 0x04) and `grove/adc_8chan_12bit.py` (same
// bases; reads `read_i2c_block_data(addr, reg, 2)` and decodes `data[1] << 8 | data[0]`, i.e. every
// register is a little-endian 16-bit word). The MM32 variant of the hat answers at 0x08 instead.
// We read the raw register: the mV register is firmware dependent (v0.1 doubled it on the RPi hat).
import type { GroveHat } from './hat';
import { checkChannel } from './hat';
import { addonError, type AddonEnv } from '../native-addon';
import { keyedError } from '../keyed-error';

export const DEFAULT_ADDRESS = 0x04;
export const MM32_ADDRESS = 0x08;
export const REG_PRODUCT_ID = 0x00;
export const REG_RAW_BASE = 0x10;
/** 0x0004 = Grove Base Hat for Raspberry Pi, 0x0005 = Grove Base Hat for Raspberry Pi Zero */
export const PRODUCT_IDS: ReadonlySet<number> = new Set([0x0004, 0x0005]);

/** The part of an i2c-bus PromisifiedBus the hat uses, so tests can put a fake bus behind it. */
export interface HatBus {
  readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  close(): Promise<void>;
}

export type OpenBus = (busNumber: number) => Promise<HatBus>;

export interface I2cHatOptions {
  bus: number;
  address: number;
  /** defaults to the real i2c-bus module (loadI2cBus), loaded only now */
  openBus?: OpenBus;
}

/** Opens the bus, checks the product id and returns a hat whose reads are serialised. */
export async function openI2cHat(opts: I2cHatOptions): Promise<I2cHat> {
  const { bus: busNumber, address } = opts;
  if (!Number.isInteger(busNumber) || busNumber < 0) throw new RangeError(`I2C bus must be a number 0 or more, got ${busNumber}`);
  if (!Number.isInteger(address) || address < 0x03 || address > 0x77) {
    throw new RangeError(`I2C address must be 0x03..0x77, got ${address}`);
  }
  const openBus = opts.openBus ?? loadI2cBus({ fallbackDir: process.cwd() });
  const bus = await openBus(busNumber).catch((e: unknown) => {
    throw describeI2cError(e, busNumber, address, true);
  });
  const hat = new I2cHat(bus, busNumber, address);
  try {
    await hat.checkProductId();
  } catch (e) {
    await bus.close().catch(() => undefined);
    throw e;
  }
  return hat;
}

/**
 * Tries the addresses in turn (the STM32 hat's 0x04, then the MM32 hat's 0x08) and returns the first hat that
 * answers with a Grove product id. Any failure other than "nothing answers" ends the search.
 */
export async function findI2cHat(opts: Omit<I2cHatOptions, 'address'> & { addresses?: number[] }): Promise<I2cHat> {
  const addresses = opts.addresses ?? [DEFAULT_ADDRESS, MM32_ADDRESS];
  for (const address of addresses) {
    try {
      return await openI2cHat({ ...opts, address });
    } catch (e) {
      if (!isAbsent(e)) throw e;
    }
  }
  const list = addresses.map((a) => `0x${hex(a)}`).join(' or ');
  throw keyedError('noneAnswers', `no Grove Base Hat answers at ${list} on /dev/i2c-${opts.bus}: check it is seated and I2C is enabled`, {
    addresses: addresses.map((a) => `0x${hex(a)}`).join(', '),
    bus: opts.bus,
  });
}

export class I2cHat implements GroveHat {
  readonly simulated = false;
  productId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly bus: HatBus,
    readonly busNumber: number,
    readonly address: number,
  ) {}

  async checkProductId(): Promise<void> {
    const pid = await this.readRegister(REG_PRODUCT_ID, true);
    if (!PRODUCT_IDS.has(pid)) {
      throw keyedError(
        'notAHat',
        `device at 0x${hex(this.address)} on bus ${this.busNumber} is not a Grove Base Hat ` +
          `(product id 0x${hex(pid, 4)}, expected 0x0004 or 0x0005)`,
        { address: `0x${hex(this.address)}`, bus: this.busNumber, pid: `0x${hex(pid, 4)}` },
      );
    }
    this.productId = pid;
  }

  async readRaw(channel: number): Promise<number> {
    const value = await this.readRegister(REG_RAW_BASE + checkChannel(channel), false);
    // A 12-bit converter cannot say more; anything else is a garbled transfer, not a reading.
    if (value > 0x0fff) {
      throw keyedError('implausible', `implausible reading 0x${hex(value, 4)} on channel ${channel}`, { value: `0x${hex(value, 4)}`, channel });
    }
    return value;
  }

  /** Waits for reads in flight, then releases the bus. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.bus.close();
  }

  /** One register read, queued behind every earlier one: the hat answers one transfer at a time. */
  private readRegister(register: number, opening: boolean): Promise<number> {
    if (this.closed && !opening) return Promise.reject(keyedError('closed', 'Grove Base Hat config node is closed'));
    const result = this.queue.then(async () => {
      const buffer = Buffer.alloc(2);
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.bus.readI2cBlock(this.address, register, 2, buffer));
      } catch (e) {
        throw describeI2cError(e, this.busNumber, this.address, opening);
      }
      if (bytesRead !== 2) {
        throw keyedError('shortRead', `short read from register 0x${hex(register)} (${bytesRead} of 2 bytes)`, { register: `0x${hex(register)}`, bytes: bytesRead });
      }
      return buffer[0] | (buffer[1] << 8);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export interface I2cBusLoader extends AddonEnv {
  /** defaults to require */
  load?: (id: string) => unknown;
}

/**
 * Loads i2c-bus (only for a hat on I2C, so the package loads where the native module is absent) and
 * returns its opener. A module that is absent, never built or built for another Node.js throws an
 * AddonError that names the command that fixes it.
 */
export function loadI2cBus(env: I2cBusLoader): OpenBus {
  let i2c: { openPromisified(n: number): Promise<HatBus> };
  try {
    i2c = (env.load ?? require)('i2c-bus') as typeof i2c;
  } catch (e) {
    throw addonError('i2c-bus', 'i2c-bus', e, env);
  }
  return (busNumber) => i2c.openPromisified(busNumber);
}

const ABSENT = new Set(['ENXIO', 'EREMOTEIO', 'ENODEV']);

function isAbsent(e: unknown): boolean {
  return (e as Error & { absent?: boolean }).absent === true;
}

/** Turns an errno from the bus into a message that says what to do (keyed: the hat node says it in the user's language). */
export function describeI2cError(e: unknown, busNumber: number, address: number, opening: boolean): Error {
  const err = e instanceof Error ? (e as NodeJS.ErrnoException) : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const vars = { bus: busNumber, address: `0x${hex(address)}`, code };
  const where = `${vars.address} on /dev/i2c-${busNumber}`;
  let out: Error;
  if (code === 'ENOENT') {
    out = keyedError('noBus', `/dev/i2c-${busNumber} not found: enable I2C (sudo raspi-config > Interface Options > I2C) and reboot`, vars);
  } else if (code === 'EACCES' || code === 'EPERM') {
    out = keyedError('noPermission', `no permission for /dev/i2c-${busNumber}: add the Node-RED user to the i2c group`, vars);
  } else if (ABSENT.has(code) || (opening && code === 'EIO')) {
    out = Object.assign(keyedError('absent', `no Grove Base Hat answers at ${where} (${code}): check it is seated; the MM32 hat uses address 0x08`, vars), { absent: true });
  } else if (code) {
    out = keyedError('io', `I2C ${code} from ${where}`, vars);
  } else {
    return err;
  }
  return Object.assign(out, { code });
}

function hex(n: number, width = 2): string {
  return n.toString(16).padStart(width, '0');
}
