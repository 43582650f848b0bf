import { join } from 'node:path';

/**
 * Where the embedded default keeps its data, under the Node-RED user directory:
 *   <userDir>/emotion-iot/records/<participant>/   one folder per participant (personalisation)
 *   <userDir>/emotion-iot/models/<participant>.json
 */
export function dataRoot(userDir: string): string {
  return join(userDir, 'emotion-iot');
}

export function participantRecordsDir(userDir: string, participant: string): string {
  return join(dataRoot(userDir), 'records', participantKey(participant));
}

export function modelPath(userDir: string, participant: string): string {
  return join(dataRoot(userDir), 'models', `${participantKey(participant)}.json`);
}

/**
 * A participant name as a safe folder/file name. Names are user input (a dashboard text field), so
 * anything that could climb out of the data folder is rejected rather than rewritten.
 */
export function participantKey(participant: string): string {
  const name = String(participant ?? '').trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/.test(name) || name.includes('..')) {
    throw new Error(
      `invalid participant name "${name.slice(0, 40)}": use 1-64 letters, digits, space, dot, dash or underscore`,
    );
  }
  return name.toLowerCase().replace(/ /g, '_');
}
