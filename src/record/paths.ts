import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where the embedded default keeps its data, under the Node-RED user directory:
 *   <userDir>/emotion-iot/records/<participant key>/   one folder per participant (personalisation)
 *   <userDir>/emotion-iot/models/<participant key>.json
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

/** Letters and marks of any script, digits, then space, dot, dash, underscore; 1-64 characters. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.-]{0,63}$/u;
/** Names Windows keeps for devices, with or without an extension (a share or a copy to Windows breaks on them). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/iu;

/**
 * A participant name (user input: a dashboard text field) as a safe folder/file name. The name is
 * trimmed and NFC-normalised; names compare case-insensitively ("Zoë" and "ZOË" are one participant).
 * Plain ASCII names keep the folder they always had (lower case, spaces as underscores); any other name
 * becomes an ASCII folder `<readable>~<hash>`, where the hash of the whole name keeps "Zoë" and "Zoe"
 * apart and "~" (never allowed in a name) keeps it apart from every ASCII name. Anything that could
 * climb out of the data folder or that Windows cannot store is refused, not rewritten.
 */
export function participantKey(participant: string): string {
  const name = participantName(participant);
  const folded = name.toLowerCase();
  if (/^[a-z0-9 _.-]+$/.test(folded)) return folded.replace(/ /g, '_');
  const hash = createHash('sha256').update(folded).digest('hex').slice(0, 8);
  const readable = folded.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return `${readable || 'p'}~${hash}`;
}

/** The participant name as stored in records and models: trimmed and NFC-normalised, or an error saying why not. */
export function participantName(participant: unknown): string {
  const name = String(participant ?? '').trim().normalize('NFC');
  if (name === '') throw new Error('invalid participant name "": enter a participant name first');
  const shown = JSON.stringify(name.slice(0, 40));
  if (!NAME.test(name) || name.includes('..')) {
    throw new Error(`invalid participant name ${shown}: use 1-64 letters, digits, space, dot, dash or underscore, starting with a letter or digit`);
  }
  if (WINDOWS_DEVICE.test(name) || name.endsWith('.')) {
    throw new Error(`invalid participant name ${shown}: Windows reserves device names (CON, NUL, COM1...) and names ending in a dot`);
  }
  return name;
}
