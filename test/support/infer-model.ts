// A small, hand-made model for the emotion-infer tests: high arousal (GSR and BPM above the mean)
// reads angry, low reads sad, exactly at the mean all three classes tie.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModelFile } from '../../src/model/model-file';
import { modelPath } from '../../src/record/paths';

export function testModel(participant = 'alice', overrides: Partial<ModelFile> = {}): ModelFile {
  return {
    format: 'emotion-iot-model',
    version: 1,
    participant,
    features: ['gsr', 'bpm'],
    labels: ['angry', 'happy', 'sad'],
    standardisation: { mean: [5, 80], std: [2, 10] },
    weights: [
      [1, 3],
      [0, 0],
      [-1, -3],
    ],
    bias: [0, 0, 0],
    hyperparameters: {},
    metrics: { accuracy: 1, labels: ['angry', 'happy', 'sad'], confusion: [], perClass: [] },
    trainedAt: '2026-11-25T12:00:00.000Z',
    simulated: true,
    rows: { total: 0, train: 0, test: 0, droppedWarmup: 0, droppedInvalid: 0, synthetic: 0 },
    ...overrides,
  };
}

/** Writes the model where the embedded default looks for it, and returns the path. */
export function writeTestModel(userDir: string, model: ModelFile): string {
  const path = modelPath(userDir, model.participant);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(model));
  return path;
}
