// A small interpreter for the AWS IoT SQL our rules use (SELECT list, FROM topic, WHERE with = and
// aws_lambda(arn, {object}).field; string literals in single or double quotes), with the documented
// semantics that matter here (IOTDG iot-sql-operators.md / iot-sql-functions.md, SQL 2016-03-23):
// round(Decimal) gives the nearest Int (half away from zero: round(-1.5) = -2), Int op Int stays Int
// (so 7 / 2 = 3), a Decimal on either side gives a Decimal, and an Undefined operand (a missing field)
// makes the result Undefined, which leaves the key out of the output. Numbers from a JSON payload are
// Int when whole, else Decimal. It is not AWS's engine: it checks what our SQL text means under those
// rules, not how AWS parses it.

type Value = { kind: 'int' | 'dec'; n: number } | { kind: 'other'; v: unknown } | undefined;

export interface RuleContext {
  clientid: string;
  /** aws_lambda(arn, input): the function's answer, synchronously as the rules engine waits for it */
  lambda?: (arn: string, input: unknown) => unknown;
}

export interface ParsedRule {
  topic: string;
  /** the output key and its evaluator, in SELECT order */
  columns: { name: string; evaluate: (payload: Record<string, unknown>, ctx: RuleContext) => unknown }[];
  /** the WHERE condition; a message for which it is not true is dropped */
  where?: (payload: Record<string, unknown>, ctx: RuleContext) => unknown;
}

export function parseRule(sql: string): ParsedRule {
  const m = sql.match(/^SELECT (.+?) FROM '([^']+)'(?: WHERE (.+))?$/);
  if (!m) throw new Error(`not a SELECT ... FROM 'topic' [WHERE ...] rule: ${sql}`);
  const columns = splitTopLevel(m[1]).map((item) => {
    const as = item.match(/^(.+?) AS ([A-Za-z_][A-Za-z0-9_]*)$/);
    const exprText = (as ? as[1] : item).trim();
    if (!as && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(exprText)) throw new Error(`an expression needs AS: ${item}`);
    const expr = new Parser(exprText).parseAll();
    return { name: as ? as[2] : exprText, evaluate: (p: Record<string, unknown>, ctx: RuleContext) => out(expr(p, ctx)) };
  });
  const where = m[3] === undefined ? undefined : new Parser(m[3]).parseCondition();
  return { topic: m[2], columns, ...(where ? { where: (p: Record<string, unknown>, ctx: RuleContext) => out(where(p, ctx)) } : {}) };
}

/** The rule's output payload for one incoming message, or undefined when its WHERE drops it. */
export function applyRule(rule: ParsedRule, payload: Record<string, unknown>, ctx: RuleContext): Record<string, unknown> | undefined {
  if (rule.where && rule.where(payload, ctx) !== true) return undefined;
  const result: Record<string, unknown> = {};
  for (const c of rule.columns) {
    const v = c.evaluate(payload, ctx);
    if (v !== undefined) result[c.name] = v;
  }
  return result;
}

/**
 * applyRule with aws_lambda() answered by an asynchronous function (a real handler): the calls the
 * message makes are collected, answered, then the rule is applied with their answers.
 */
export async function applyRuleAsync(
  rule: ParsedRule,
  payload: Record<string, unknown>,
  ctx: { clientid: string; lambda: (arn: string, input: unknown) => Promise<unknown> },
): Promise<Record<string, unknown> | undefined> {
  const calls = new Map<string, Promise<unknown>>();
  const collect = (arn: string, input: unknown) => {
    const key = JSON.stringify([arn, input]);
    if (!calls.has(key)) calls.set(key, ctx.lambda(arn, input));
    return undefined;
  };
  applyRule(rule, payload, { clientid: ctx.clientid, lambda: collect });
  const answers = new Map<string, unknown>();
  for (const [key, answer] of calls) answers.set(key, await answer);
  return applyRule(rule, payload, { clientid: ctx.clientid, lambda: (arn, input) => answers.get(JSON.stringify([arn, input])) });
}

function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(' || list[i] === '{') depth++;
    else if (list[i] === ')' || list[i] === '}') depth--;
    else if (list[i] === ',' && depth === 0) {
      items.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(list.slice(start).trim());
  return items;
}

type Expr = (p: Record<string, unknown>, ctx: RuleContext) => Value;

function fromJson(v: unknown): Value {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return { kind: Number.isInteger(v) ? 'int' : 'dec', n: v };
  return { kind: 'other', v };
}

function out(v: Value): unknown {
  if (v === undefined) return undefined;
  return v.kind === 'other' ? v.v : v.n;
}

function arith(op: string, a: Value, b: Value): Value {
  if (a === undefined || b === undefined || a.kind === 'other' || b.kind === 'other') return undefined;
  const int = a.kind === 'int' && b.kind === 'int';
  switch (op) {
    case '*':
      return { kind: int ? 'int' : 'dec', n: a.n * b.n };
    case '/':
      if (b.n === 0) return undefined;
      return int ? { kind: 'int', n: Math.trunc(a.n / b.n) } : { kind: 'dec', n: a.n / b.n };
    case '+':
      return { kind: int ? 'int' : 'dec', n: a.n + b.n };
    default:
      return { kind: int ? 'int' : 'dec', n: a.n - b.n };
  }
}

const FUNCTIONS: Record<string, (args: Value[], ctx: RuleContext) => Value> = {
  round: ([x]) => (x === undefined || x.kind === 'other' ? undefined : { kind: 'int', n: Math.sign(x.n) * Math.round(Math.abs(x.n)) }),
  clientid: (_args, ctx) => ({ kind: 'other', v: ctx.clientid }),
  aws_lambda: ([arn, input], ctx) => {
    if (!ctx.lambda) throw new Error('aws_lambda() needs a function in the rule context');
    return fromJson(ctx.lambda(String(out(arn)), out(input)));
  },
};

class Parser {
  private pos = 0;
  private readonly tokens: string[];

  constructor(text: string) {
    this.tokens = text.match(/"[^"]*"|'[^']*'|\d+\.\d+|\d+|[A-Za-z_][A-Za-z0-9_]*|[()*/+={}:,.-]/g) ?? [];
    if (this.tokens.join('') !== text.replace(/\s+(?=(?:[^"']|"[^"]*"|'[^']*')*$)/g, '')) throw new Error(`cannot read expression: ${text}`);
  }

  parseAll(): Expr {
    const e = this.sum();
    if (this.pos !== this.tokens.length) throw new Error(`unexpected ${this.tokens[this.pos]}`);
    return e;
  }

  /** `a = b`: true when both sides are defined and equal (IoT SQL's Undefined makes it Undefined). */
  parseCondition(): Expr {
    const left = this.sum();
    this.expect('=');
    const right = this.sum();
    if (this.pos !== this.tokens.length) throw new Error(`unexpected ${this.tokens[this.pos]}`);
    return (p, c) => {
      const [a, b] = [out(left(p, c)), out(right(p, c))];
      return a === undefined || b === undefined ? undefined : { kind: 'other', v: JSON.stringify(a) === JSON.stringify(b) };
    };
  }

  private sum(): Expr {
    let left = this.product();
    while (this.tokens[this.pos] === '+' || this.tokens[this.pos] === '-') {
      const op = this.tokens[this.pos++];
      const l = left;
      const r = this.product();
      left = (p, c) => arith(op, l(p, c), r(p, c));
    }
    return left;
  }

  private product(): Expr {
    let left = this.atom();
    while (this.tokens[this.pos] === '*' || this.tokens[this.pos] === '/') {
      const op = this.tokens[this.pos++];
      const l = left;
      const r = this.atom();
      left = (p, c) => arith(op, l(p, c), r(p, c));
    }
    return left;
  }

  private atom(): Expr {
    const base = this.primary();
    if (this.tokens[this.pos] !== '.') return base;
    this.pos++;
    const field = this.tokens[this.pos++];
    return (p, c) => {
      const v = out(base(p, c));
      return v !== null && typeof v === 'object' ? fromJson((v as Record<string, unknown>)[field]) : undefined;
    };
  }

  private primary(): Expr {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error('expression ends early');
    if (/^["']/.test(t)) return () => ({ kind: 'other', v: t.slice(1, -1) });
    if (t === 'true' || t === 'false') return () => ({ kind: 'other', v: t === 'true' });
    if (t === '{') {
      const fields: [string, Expr][] = [];
      while (this.tokens[this.pos] !== '}') {
        const key = this.tokens[this.pos++];
        if (!/^["']/.test(key ?? '')) throw new Error(`expected a quoted key, not ${key}`);
        this.expect(':');
        fields.push([key.slice(1, -1), this.sum()]);
        if (this.tokens[this.pos] === ',') this.pos++;
      }
      this.pos++;
      return (p, c) => ({ kind: 'other', v: Object.fromEntries(fields.map(([k, e]) => [k, out(e(p, c))]).filter(([, v]) => v !== undefined)) });
    }
    if (t === '(') {
      const e = this.sum();
      this.expect(')');
      return e;
    }
    if (/^\d+\.\d+$/.test(t)) return () => ({ kind: 'dec', n: Number(t) });
    if (/^\d+$/.test(t)) return () => ({ kind: 'int', n: Number(t) });
    if (this.tokens[this.pos] === '(') {
      this.pos++;
      const fn = FUNCTIONS[t.toLowerCase()];
      if (!fn) throw new Error(`function ${t}() is not modelled`);
      const args: Expr[] = [];
      while (this.tokens[this.pos] !== ')') {
        args.push(this.sum());
        if (this.tokens[this.pos] === ',') this.pos++;
      }
      this.expect(')');
      return (p, c) => fn(args.map((a) => a(p, c)), c);
    }
    return (p) => fromJson(p[t]);
  }

  private expect(token: string): void {
    if (this.tokens[this.pos++] !== token) throw new Error(`expected ${token}`);
  }
}
