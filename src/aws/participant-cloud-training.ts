// One participant's cloud training as emotion-train reports it: the workflow's input from the node's
// training options (its feature set and window among them), a progress payload per poll, and a msg.model
// naming the participant's endpoint (a cloud run leaves no model file).
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TrainOptions } from '../model/train';
import { formatElapsed, runCloudTraining, type CloudProgress, type CloudTrainingResult, type CloudTrainingSettings } from './cloud-training';
import { participantEndpointName } from './participant-endpoint';
import type { TrainingExecutionInput } from './training-workflow';

/** What emotion-train sends on output 2 while the workflow runs (docs/cloud.md). */
export interface CloudProgressPayload {
  participant: string;
  stage: CloudProgress['stage'];
  state?: string;
  elapsedMs: number;
  /** "3 min 05 s" */
  elapsed: string;
  executionArn: string;
}

export interface ParticipantCloudTraining {
  metrics: CloudTrainingResult['metrics'];
  model: {
    backend: 'cloud';
    participant: string;
    endpointName: string;
    trainingJobName: string;
    executionArn: string;
    /** the features the endpoint learned, in its order, and their window */
    features: string[];
    windowSeconds: number;
    trainedAt: string;
    rows?: Record<string, unknown>;
    elapsedMs: number;
  };
}

export async function trainParticipantInCloud(
  client: SFNClient,
  participant: string,
  options: Pick<Partial<TrainOptions>, 'labels' | 'warmupSeconds' | 'testFraction' | 'seed' | 'features' | 'windowSeconds'>,
  settings: CloudTrainingSettings & { signal?: AbortSignal; onProgress: (payload: CloudProgressPayload) => void },
): Promise<ParticipantCloudTraining> {
  const { labels, warmupSeconds, testFraction, seed, features, windowSeconds } = options;
  // the node's Features and Window: the endpoint is then asked with the same set (emotion-infer's Features)
  const input: TrainingExecutionInput = {
    participant,
    endpointName: participantEndpointName(settings.endpointPrefix, participant),
    labels: labels!,
    warmupSeconds,
    testFraction,
    seed,
    features,
    windowSeconds,
  };
  const result = await runCloudTraining(client, input, {
    ...settings,
    onProgress: (p) => settings.onProgress({ participant, stage: p.stage, state: p.state, elapsedMs: p.elapsedMs, elapsed: formatElapsed(p.elapsedMs), executionArn: p.executionArn }),
  });
  const { endpointName, trainingJobName, executionArn, rows, elapsedMs } = result;
  return {
    metrics: result.metrics,
    // what the endpoint learned (the stack's set): what emotion-infer's Features must say
    model: { backend: 'cloud', participant, endpointName, trainingJobName, executionArn, features: result.features, windowSeconds: result.windowSeconds, trainedAt: new Date().toISOString(), rows, elapsedMs },
  };
}
