import { performance } from 'node:perf_hooks';
import type { Prediction } from './backend';
import type { Verdict } from './model-file';
import { UNCERTAIN, scoresByLabel } from './label-map';
import { orderFeatures, type OrderedBackend } from './local-backend';
import type { Features } from './window-average';

/** `msg.emotion` (DESIGN.md message contracts). */
export interface EmotionAnswer {
  /** a configured label, or "uncertain" (see `reason`) */
  label: string;
  /**
   * why the label is "uncertain": "not-separable" (the model could not tell its moods apart better than
   * chance on held-out windows), "unfamiliar" (far from every recorded mood) or "low-confidence" (below the threshold)
   */
  reason?: 'not-separable' | 'unfamiliar' | 'low-confidence';
  /** the local model's verdict on held-out windows (absent for older models and SageMaker) */
  verdict?: Verdict;
  /** "not-measurable": the model's accuracy is not known yet (a mood recorded once): take the answer with care */
  caveat?: 'not-measurable';
  /** true when the confidence was calibrated on held-out windows */
  calibrated?: boolean;
  /** Mahalanobis distance to the nearest recorded mood, and the limit above which it is unfamiliar (local models) */
  distance?: number;
  familiarLimit?: number;
  /** class index of `label`; -1 when uncertain */
  index: number;
  /** the most likely label, even when `label` is "uncertain" */
  guess: string;
  scores: Record<string, number>;
  confidence: number;
  features: Features;
  /** "local", "sagemaker", or "local-fallback" when the endpoint failed and the local model answered */
  source: string;
  /** why the fallback was used */
  fallbackReason?: string;
  model: string;
  /** from the window closing (or the record arriving) to the answer being ready */
  latencyMs: number;
  participant: string;
  /** ms since the epoch, when the answer was made */
  timestamp: number;
}

export interface AnswerRequest {
  backend: OrderedBackend;
  /** used only when `backend` fails */
  fallback?: () => OrderedBackend;
  features: Features;
  participant: string;
  labels: readonly string[];
  /** 0..1; 0 turns the threshold off */
  threshold: number;
  /** answer "uncertain" when the model's verdict is "not-separable" (off: guess anyway, for research) */
  followVerdict?: boolean;
  /** performance.now() when the features were complete */
  startedAt: number;
}

export async function answerEmotion(req: AnswerRequest): Promise<EmotionAnswer> {
  let source: string = req.backend.source;
  let fallbackReason: string | undefined;
  let prediction: Prediction;
  try {
    prediction = await req.backend.predict(orderFeatures(req.backend.featureNames, req.features), req.features.gsrPhasic);
  } catch (e) {
    if (!req.fallback) throw e;
    fallbackReason = (e as Error).message;
    try {
      const fallback = req.fallback();
      source = `${fallback.source}-fallback`;
      prediction = await fallback.predict(orderFeatures(fallback.featureNames, req.features), req.features.gsrPhasic);
    } catch (f) {
      throw new Error(`${fallbackReason}; the local fallback failed too: ${(f as Error).message}`, { cause: f });
    }
  }
  // A NaN confidence passes any threshold test unnoticed ("angry", NaN): it is an error, never an answer.
  if (!prediction.scores.every((p) => Number.isFinite(p))) {
    throw new Error(
      `the ${source} model gave no usable answer for gsr ${req.features.gsr}, bpm ${req.features.bpm} ` +
        `(scores ${prediction.scores.map(String).join(', ')}): train the model again`,
    );
  }
  const scores = scoresByLabel(req.labels, prediction.scores);
  const guess = req.labels[prediction.index];
  const confidence = prediction.scores[prediction.index];
  const f = prediction.familiarity;
  const { verdict } = prediction;
  const reason =
    verdict === 'not-separable' && req.followVerdict !== false
      ? 'not-separable'
      : f && f.distance > f.threshold
        ? 'unfamiliar'
        : req.threshold > 0 && confidence < req.threshold
          ? 'low-confidence'
          : undefined;
  return {
    label: reason ? UNCERTAIN : guess,
    index: reason ? -1 : prediction.index,
    ...(reason ? { reason } : {}),
    ...(verdict ? { verdict } : {}),
    ...(verdict === 'not-measurable' ? { caveat: 'not-measurable' as const } : {}),
    ...(prediction.calibrated !== undefined ? { calibrated: prediction.calibrated } : {}),
    ...(f ? { distance: Math.round(f.distance * 100) / 100, familiarLimit: f.threshold } : {}),
    guess,
    scores,
    confidence,
    features: req.features,
    source,
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
    model: prediction.model,
    latencyMs: performance.now() - req.startedAt,
    participant: req.participant,
    timestamp: Date.now(),
  };
}
