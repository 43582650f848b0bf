import assert from 'node:assert/strict';
import { choleskySolve } from '../../src/model/cholesky';
import { mulberry32, shuffle } from '../../src/model/prng';
import { fitSoftmax, type SoftmaxModel } from '../../src/model/softmax';
import { fitStandardisation, standardise } from '../../src/model/standardise';

/** Three overlapping Gaussian-ish classes in 2-D. */
function blobs(n: number, seed: number, spread = 1): { x: number[][]; y: number[] } {
  const random = mulberry32(seed);
  const centres = [
    [2, 2],
    [-2, 0],
    [0, -2],
  ];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push(centres[c].map((v) => v + spread * (random() + random() + random() - 1.5) * 2));
    y.push(c);
  }
  return { x, y };
}

/** Softmax probabilities, written out independently of the solver. */
function softmaxProbabilities(model: SoftmaxModel, x: number[]): number[] {
  const logits = model.weights.map((w, k) => model.bias[k] + w.reduce((s, wj, j) => s + wj * x[j], 0));
  const exps = logits.map((l) => Math.exp(l - Math.max(...logits)));
  return exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
}

/** Gradient of mean log-loss + (l2/2)|W|^2, computed independently of the solver. */
function gradient(model: SoftmaxModel, x: number[][], y: number[], l2: number): number[] {
  const g: number[] = [];
  model.weights.forEach((w, k) => {
    const rows = x.map((row, i) => softmaxProbabilities(model, row)[k] - (y[i] === k ? 1 : 0));
    w.forEach((wj, j) => g.push(rows.reduce((s, r, i) => s + r * x[i][j], 0) / x.length + l2 * wj));
    g.push(rows.reduce((s, r) => s + r, 0) / x.length);
  });
  return g;
}

describe('softmax linear learner', () => {
  it('converges to the regularised optimum: the gradient of the objective vanishes', () => {
    const { x, y } = blobs(600, 1);
    for (const l2 of [1e-4, 0.1]) {
      const fit = fitSoftmax(x, y, 3, { l2, maxIterations: 50, tolerance: 1e-10 });
      assert.ok(fit.iterations < 20, `Newton took ${fit.iterations} iterations`);
      for (const g of gradient(fit, x, y, l2)) assert.ok(Math.abs(g) < 1e-8, `gradient ${g}`);
      // the returned solution has zero class sums: weights by the L2 optimum, biases by choice
      assert.ok(Math.abs(fit.bias.reduce((a, b) => a + b, 0)) < 1e-9);
      for (let j = 0; j < 2; j++) assert.ok(Math.abs(fit.weights.reduce((s, w) => s + w[j], 0)) < 1e-9);
    }
  });

  it('shrinks the weights as l2 grows', () => {
    const { x, y } = blobs(300, 2);
    const norm = (m: SoftmaxModel) => m.weights.flat().reduce((s, w) => s + w * w, 0);
    const weak = fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 50, tolerance: 1e-9 });
    const strong = fitSoftmax(x, y, 3, { l2: 1, maxIterations: 50, tolerance: 1e-9 });
    assert.ok(norm(strong) < norm(weak) / 4);
  });

  it('classifies well-separated classes and returns probabilities that sum to 1', () => {
    const { x, y } = blobs(300, 3, 0.3);
    const fit = fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 50, tolerance: 1e-9 });
    x.forEach((row, i) => {
      const p = softmaxProbabilities(fit, row);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.equal(p.indexOf(Math.max(...p)), y[i]);
    });
  });

  it('does not depend on the order of the rows', () => {
    const { x, y } = blobs(300, 4);
    const order = shuffle(x.map((_, i) => i), mulberry32(5));
    const a = fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 50, tolerance: 1e-10 });
    const b = fitSoftmax(order.map((i) => x[i]), order.map((i) => y[i]), 3, { l2: 1e-3, maxIterations: 50, tolerance: 1e-10 });
    a.weights.flat().forEach((w, i) => assert.ok(Math.abs(w - b.weights.flat()[i]) < 1e-8));
  });

  it('fails with a clear error when it does not converge within maxIterations', () => {
    const { x, y } = blobs(90, 6);
    assert.throws(
      () => fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 2, tolerance: 1e-12 }),
      /did not converge in 2 iterations.*raise maxIterations/,
    );
  });

  it('refuses non-finite data instead of returning a broken model', () => {
    const { x, y } = blobs(30, 6);
    x[3] = [Number.NaN, 1];
    assert.throws(() => fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 20, tolerance: 1e-9 }), /non-finite/);
  });

  it('copes with a duplicated feature (singular Hessian without L2)', () => {
    const { x, y } = blobs(300, 7, 2);
    const twice = x.map((r) => [r[0], r[0], r[1]]);
    const fit = fitSoftmax(twice, y, 3, { l2: 0, maxIterations: 100, tolerance: 1e-7 });
    const single = fitSoftmax(x, y, 3, { l2: 0, maxIterations: 100, tolerance: 1e-9 });
    twice.forEach((row, i) => {
      const p = softmaxProbabilities(fit, row);
      const q = softmaxProbabilities(single, x[i]);
      p.forEach((v, k) => assert.ok(Math.abs(v - q[k]) < 1e-5));
    });
  });

  it('reports each iteration with a shrinking gradient', () => {
    const { x, y } = blobs(300, 8);
    const seen: number[] = [];
    fitSoftmax(x, y, 3, { l2: 1e-3, maxIterations: 50, tolerance: 1e-10, onIteration: (_i, g) => seen.push(g) });
    assert.ok(seen.length >= 3);
    assert.ok(seen.at(-1)! < 1e-10 && seen.at(-1)! < seen[0]);
  });
});

describe('numeric helpers', () => {
  it('solves a symmetric positive definite system, and reports a non-definite one', () => {
    const a = [
      [4, 2, 0.4],
      [2, 5, 1],
      [0.4, 1, 3],
    ];
    const x = choleskySolve(a, [1, 2, 3])!;
    a.forEach((row, i) => assert.ok(Math.abs(row.reduce((s, v, j) => s + v * x[j], 0) - [1, 2, 3][i]) < 1e-12));
    assert.equal(
      choleskySolve(
        [
          [1, 2],
          [2, 1],
        ],
        [1, 1],
      ),
      null,
    );
  });

  it('standardises to mean 0 and standard deviation 1, leaving constant features at std 1', () => {
    const rows = [
      [1, 5],
      [2, 5],
      [3, 5],
      [6, 5],
    ];
    const s = fitStandardisation(rows);
    assert.deepEqual(s.mean, [3, 5]);
    assert.equal(s.std[0], Math.sqrt((4 + 1 + 0 + 9) / 4));
    assert.equal(s.std[1], 1);
    const z = standardise(rows, s);
    assert.ok(Math.abs(z.reduce((sum, r) => sum + r[0] * r[0], 0) / 4 - 1) < 1e-12);
    assert.deepEqual(
      z.map((r) => r[1]),
      [0, 0, 0, 0],
    );
    assert.throws(() => fitStandardisation([]), /empty/);
  });

  it('draws reproducible uniform numbers in [0, 1) from a seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 10000 }, () => a());
    assert.deepEqual(
      draws.slice(0, 5),
      Array.from({ length: 5 }, () => b()),
    );
    assert.ok(draws.every((v) => v >= 0 && v < 1));
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02);
    assert.notEqual(mulberry32(43)(), mulberry32(42)());
  });
});
