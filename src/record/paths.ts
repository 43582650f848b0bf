import { join } from 'node:path';
import { participantFolder } from './participant';

/**
 * Where the embedded default keeps its data, under the Node-RED user directory, one name per person
 * (participantFolder: a one-to-one encoding of their canonical key, see ./participant.ts):
 *   <userDir>/emotion-iot/records/<folder>/records.jsonl
 *   <userDir>/emotion-iot/models/<folder>.json
 *   <userDir>/emotion-iot/history/<folder>.json
 */
export function dataRoot(userDir: string): string {
  return join(userDir, 'emotion-iot');
}

export function participantRecordsDir(userDir: string, participant: string): string {
  return join(dataRoot(userDir), 'records', participantFolder(participant));
}

export function modelPath(userDir: string, participant: string): string {
  return join(dataRoot(userDir), 'models', `${participantFolder(participant)}.json`);
}

export function historyPath(userDir: string, participant: string): string {
  return join(dataRoot(userDir), 'history', `${participantFolder(participant)}.json`);
}
