import { choleskySolve } from './cholesky';

/**
 * Multinomial (softmax) logistic regression with L2 on the weights (not the biases): the model family of
 * SageMaker Linear Learner's multiclass_classifier and of sklearn's LogisticRegression(multi_class=
 * 'multinomial'). It minimises
 *
 *   mean_i [ log sum_k exp(z_ik) - z_i,y_i ] + (l2 / 2) * sum_k |w_k|^2,   z_ik = w_k . x_i + b_k
 *
 * which has the same minimiser as sklearn's  sum_i loss_i + |W|^2 / (2 C)  when C = 1 / (l2 * n).
 *
 * Solver: full-batch Newton with an Armijo backtracking line search. The problem is tiny (classes x
 * (features + 1) parameters), so the exact Hessian is cheap and convergence is quadratic near the optimum.
 * Softmax is unchanged when the same vector is added to every class's parameters, so the Hessian is
 * singular along that direction; a gauge term (1/2) * sum_j (sum_k theta_kj)^2 removes it. The term is
 * zero at the solution we return (class sums of the weights are zero at the L2 optimum, and of the biases
 * we pick zero), so it changes neither the probabilities nor the optimum.
 */
export interface SoftmaxFitOptions {
  l2: number;
  maxIterations: number;
  /** stop when the largest gradient component of the objective is below this */
  tolerance: number;
  /** called after each iteration with the current largest gradient component */
  onIteration?: (iteration: number, gradientNorm: number) => void;
}

export interface SoftmaxModel {
  /** weights[class][feature] */
  weights: number[][];
  bias: number[];
}

export interface SoftmaxFit extends SoftmaxModel {
  iterations: number;
  /** objective value at the solution */
  loss: number;
  gradientNorm: number;
}

const GAUGE = 1;
const ARMIJO = 1e-4;
const MAX_HALVINGS = 40;

export function fitSoftmax(
  x: readonly (readonly number[])[],
  y: readonly number[],
  classes: number,
  options: SoftmaxFitOptions,
): SoftmaxFit {
  if (x.length === 0 || x.length !== y.length) throw new Error('the solver needs as many labels as rows, and at least one');
  const problem = new Problem(x, y, classes, options.l2);
  let theta = new Array<number>(problem.size).fill(0);
  let current = problem.evaluate(theta);
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    const step = newtonStep(current.hessian, current.gradient);
    const slope = dot(current.gradient, step);
    // the full step is nearly always accepted, so the trial point is evaluated with its derivatives
    let t = 1;
    let next = problem.evaluate(axpy(theta, t, step));
    for (let h = 0; h < MAX_HALVINGS && !(next.loss <= current.loss + ARMIJO * t * slope); h++) {
      t /= 2;
      next = problem.evaluate(axpy(theta, t, step));
    }
    theta = axpy(theta, t, step);
    current = next;
    const gradientNorm = maxAbs(current.gradient);
    if (!Number.isFinite(current.loss) || !Number.isFinite(gradientNorm)) {
      throw new Error('the solver diverged (non-finite loss): check the data for extreme values, or raise l2');
    }
    options.onIteration?.(iteration, gradientNorm);
    if (gradientNorm < options.tolerance) {
      return { ...problem.unpack(theta), iterations: iteration, loss: current.loss, gradientNorm };
    }
  }
  throw new Error(
    `the solver did not converge in ${options.maxIterations} iterations (gradient ${maxAbs(current.gradient).toExponential(2)}, ` +
      `tolerance ${options.tolerance}): raise maxIterations or the tolerance, or l2`,
  );
}

/**
 * The objective, its gradient and Hessian over parameters laid out as theta[k * (d + 1) + j], bias at
 * j = d. Rows are copied once into a flat array with a trailing 1, so the bias is just another weight.
 */
class Problem {
  readonly size: number;
  private readonly width: number;
  private readonly rows: Float64Array;
  private readonly logits: Float64Array;

  constructor(
    x: readonly (readonly number[])[],
    private readonly y: readonly number[],
    private readonly classes: number,
    private readonly l2: number,
  ) {
    this.width = x[0].length + 1;
    this.size = classes * this.width;
    this.rows = new Float64Array(x.length * this.width);
    x.forEach((row, i) => {
      this.rows.set(row, i * this.width);
      this.rows[i * this.width + this.width - 1] = 1;
    });
    this.logits = new Float64Array(classes);
  }

  unpack(theta: readonly number[]): SoftmaxModel {
    const d = this.width - 1;
    const rows = Array.from({ length: this.classes }, (_, k) => theta.slice(k * this.width, (k + 1) * this.width));
    return { weights: rows.map((r) => r.slice(0, d)), bias: rows.map((r) => r[d]) };
  }

  evaluate(theta: readonly number[]): { loss: number; gradient: number[]; hessian: number[][] } {
    const { classes: K, width: w, rows, logits } = this;
    const n = this.y.length;
    const gradient = new Array<number>(this.size).fill(0);
    const h = new Float64Array(this.size * this.size);
    const outer = new Float64Array(w * w);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const o = i * w;
      loss += this.rowLoss(theta, i);
      // rowLoss left the probabilities in this.logits
      for (let j = 0; j < w; j++) for (let m = 0; m < w; m++) outer[j * w + m] = rows[o + j] * rows[o + m];
      for (let k = 0; k < K; k++) {
        const r = logits[k] - (this.y[i] === k ? 1 : 0);
        for (let j = 0; j < w; j++) gradient[k * w + j] += r * rows[o + j];
        // upper block triangle only (l >= k); mirrored below
        for (let l = k; l < K; l++) {
          const a = logits[k] * ((k === l ? 1 : 0) - logits[l]);
          for (let j = 0; j < w; j++) {
            const at = (k * w + j) * this.size + l * w;
            for (let m = 0; m < w; m++) h[at + m] += a * outer[j * w + m];
          }
        }
      }
    }
    const hessian = Array.from({ length: this.size }, () => new Array<number>(this.size).fill(0));
    for (let k = 0; k < K; k++) {
      for (let l = k; l < K; l++) {
        for (let j = 0; j < w; j++) {
          for (let m = 0; m < w; m++) {
            const v = h[(k * w + j) * this.size + l * w + m] / n;
            hessian[k * w + j][l * w + m] = v;
            hessian[l * w + m][k * w + j] = v;
          }
        }
      }
    }
    for (let j = 0; j < w; j++) {
      const classSum = this.classSum(theta, j);
      for (let k = 0; k < K; k++) {
        const q = k * w + j;
        gradient[q] = gradient[q] / n + GAUGE * classSum + (j < w - 1 ? this.l2 * theta[q] : 0);
        if (j < w - 1) hessian[q][q] += this.l2;
        for (let l = 0; l < K; l++) hessian[q][l * w + j] += GAUGE;
      }
    }
    return { loss: loss / n + this.penalty(theta), gradient, hessian };
  }

  /** Row i's log-loss; leaves its class probabilities in this.logits. */
  private rowLoss(theta: readonly number[], i: number): number {
    const { classes: K, width: w, rows, logits } = this;
    const o = i * w;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let j = 0; j < w; j++) z += theta[k * w + j] * rows[o + j];
      logits[k] = z;
      if (z > max) max = z;
    }
    const own = logits[this.y[i]];
    let sum = 0;
    for (let k = 0; k < K; k++) sum += logits[k] = Math.exp(logits[k] - max);
    for (let k = 0; k < K; k++) logits[k] /= sum;
    return max + Math.log(sum) - own;
  }

  private penalty(theta: readonly number[]): number {
    let p = 0;
    for (let j = 0; j < this.width; j++) {
      p += (GAUGE / 2) * this.classSum(theta, j) ** 2;
      if (j === this.width - 1) continue;
      for (let k = 0; k < this.classes; k++) p += (this.l2 / 2) * theta[k * this.width + j] ** 2;
    }
    return p;
  }

  private classSum(theta: readonly number[], j: number): number {
    let sum = 0;
    for (let k = 0; k < this.classes; k++) sum += theta[k * this.width + j];
    return sum;
  }
}

/** Solves H s = -g; if H is numerically singular (no L2 and collinear features), adds a growing ridge. */
function newtonStep(hessian: number[][], gradient: number[]): number[] {
  const minusG = gradient.map((g) => -g);
  const trace = hessian.reduce((s, row, i) => s + row[i], 0) / hessian.length;
  for (let ridge = 0; ridge <= trace; ridge = ridge === 0 ? trace * 1e-10 : ridge * 100) {
    const step = choleskySolve(ridge === 0 ? hessian : hessian.map((row, i) => row.map((v, j) => (i === j ? v + ridge : v))), minusG);
    if (step) return step;
  }
  return minusG;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(x: readonly number[], a: number, y: readonly number[]): number[] {
  return x.map((v, i) => v + a * y[i]);
}

function maxAbs(v: readonly number[]): number {
  return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}
