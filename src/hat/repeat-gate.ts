/**
 * Lets a failure through once per window per distinct message, so a sensor that fails at 100 Hz
 * reports it once every few seconds instead of flooding the debug sidebar and the Catch nodes.
 */
export class RepeatGate {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  allows(message: string): boolean {
    const t = this.now();
    for (const [m, at] of this.last) if (t - at >= this.windowMs) this.last.delete(m);
    if (this.last.has(message)) return false;
    this.last.set(message, t);
    return true;
  }
}
