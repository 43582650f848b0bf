// The built-in Linear Learner's inference wire format (SageMaker Developer Guide: "Common data formats for
// inference" and "Linear learner response formats", LL-in-formats.html): one row of
// raw features in model order as CSV (no header) or JSON, and a JSON multiclass answer.
import { round3 } from '../record/record';
import { isRecordMean } from '../signal/window-features';

export type SageMakerContentType = 'text/csv' | 'application/json';

export function parseContentType(value: unknown): SageMakerContentType {
  const v = String(value ?? '').trim() || 'text/csv';
  if (v !== 'text/csv' && v !== 'application/json') throw new Error(`content type must be text/csv or application/json, not "${v}"`);
  return v;
}

/**
 * One row in the model's feature order. The means of GSR and BPM are rounded to 3 decimals, as the
 * published pipeline's rounding step did; the window's shape features go as computed (already rounded to
 * 6 significant digits by windowFeatures: 3 decimals would erase a slope of 0.0004 a second).
 */
export function encodeRequest(features: readonly number[], names: readonly string[], contentType: SageMakerContentType): string {
  const row = features.map((x, i) => (isRecordMean(names[i]) ? round3(x) : x));
  return contentType === 'text/csv' ? row.join(',') : JSON.stringify({ instances: [{ features: row }] });
}

/**
 * Reads `{"predictions":[{"score":[...],"predicted_label":k}]}`. `predicted_label` may come as a
 * float (1.0); it must be an integer class index in range, and `score` one number per class.
 */
export function parseResponse(body: string, numClasses: number): { scores: number[]; index: number } {
  return parsePredictions(body, numClasses)[0];
}

/** Every prediction of an answer, one per CSV line sent (a batch), each checked as parseResponse does. */
export function parsePredictions(body: string, numClasses: number): { scores: number[]; index: number }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`endpoint answered something that is not JSON: ${body.slice(0, 60)}`);
  }
  const predictions = (parsed as { predictions?: unknown })?.predictions;
  if (!Array.isArray(predictions) || predictions.length === 0 || !predictions[0] || typeof predictions[0] !== 'object') {
    throw new Error('endpoint answer has no predictions[0]');
  }
  return predictions.map((p: { score?: unknown; predicted_label?: unknown } | null) => {
    const { score, predicted_label: label } = p ?? {};
    if (!Array.isArray(score) || !score.every((s) => typeof s === 'number' && Number.isFinite(s))) {
      throw new Error('endpoint answer has no score array: is it a multiclass_classifier Linear Learner?');
    }
    if (score.length !== numClasses) {
      throw new Error(`endpoint answered ${score.length} class scores, expected ${numClasses} (one per label)`);
    }
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`endpoint predicted_label ${JSON.stringify(label)} is not a class index 0..${numClasses - 1}`);
    }
    return { scores: score as number[], index: label };
  });
}
