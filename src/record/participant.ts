// Who a participant is: one canonical key per person, and the folder name that stands for it on disk.
// Every place that keeps or finds a person's data (records, models, answer history, caches, cloud
// endpoint names, notification groups) goes through this module, so two spellings of one person always
// meet and two people never do.
import { encode as punycode, decode as unpunycode } from 'punycode/';

/** The longest name a person may type (code points, after trimming). */
export const MAX_NAME_LENGTH = 64;
/**
 * The longest folder name (bytes). File systems allow 255; a model file adds ".json" and its temporary
 * name ".<pid>.<time>.tmp" (up to 31 more), so 220 always fits.
 */
export const MAX_FOLDER_BYTES = 220;

/** Letters and marks of any script, digits, then space, dot, dash, underscore; starts with a letter or digit. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.-]*$/u;
/** What a key may hold once normalised (a compatibility form can bring in other characters, e.g. "⑴" -> "(1)"). */
const KEY = /^[\p{L}\p{M}\p{N} _.-]+$/u;
/** Characters that show nothing (U+034F, U+200D, U+FE0F, U+180B, U+3164, ...): a name must not differ by them. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/u;
/** Names Windows keeps for devices, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/iu;
/** A folder name: punycode's alphabet for a key (lower case, so case-insensitive disks keep them apart too). */
const FOLDER = /^[a-z0-9 ._-]+$/;

/**
 * The participant's name as shown and stored with their data: trimmed, NFC, any run of spaces as one
 * space. Throws, saying why, for a name that could be mistaken for another person's: invisible
 * characters, letters of two scripts (Cyrillic "А" in "Аnna"), or characters outside letters, marks,
 * digits, space, dot, dash and underscore.
 */
export function participantName(participant: unknown): string {
  return identify(participant).name;
}

/**
 * The canonical key: what makes two names one person. The name in its compatibility form (NFKC: full-width
 * "Ｆｉｏｎａ" is "Fiona"), fully case-folded ("Straße" = "STRASSE", "İpek" = "ipek" = "IPEK").
 */
export function participantKey(participant: unknown): string {
  return identify(participant).key;
}

/** The folder (and file) name of a participant's data: a one-to-one encoding of their key. */
export function participantFolder(participant: unknown): string {
  return identify(participant).folder;
}

/** True when the two names are one person (both must be valid names). */
export function sameParticipant(a: unknown, b: unknown): boolean {
  return participantKey(a) === participantKey(b);
}

/** The key a folder name stands for, or undefined when it is not one this module made. */
export function keyOfFolder(folder: string): string | undefined {
  if (!FOLDER.test(folder)) return undefined;
  let key: string;
  try {
    key = unpunycode(folder);
  } catch {
    return undefined;
  }
  try {
    return identify(key).folder === folder ? key : undefined;
  } catch {
    return undefined;
  }
}

interface Identity {
  name: string;
  key: string;
  folder: string;
}

// Keys are asked for on every record stored and every answer: remember the latest names (bounded).
const known = new Map<string, Identity>();
const KNOWN_LIMIT = 1000;

function identify(participant: unknown): Identity {
  const raw = typeof participant === 'string' ? participant : String(participant ?? '');
  const hit = known.get(raw);
  if (hit) return hit;
  const identity = check(raw);
  if (known.size >= KNOWN_LIMIT) known.delete(known.keys().next().value as string);
  known.set(raw, identity);
  return identity;
}

function check(raw: string): Identity {
  const name = raw.normalize('NFC').replace(/\p{Zs}+/gu, ' ').trim();
  if (name === '') throw new Error('invalid participant name "": enter a participant name first');
  const refuse = (why: string) => new Error(`invalid participant name ${shown(name)}: ${why}`);
  const invisible = INVISIBLE.exec(raw);
  if (invisible) throw refuse(`it holds an invisible character (${codePoint(invisible[0])}): type the name again`);
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) throw refuse(`too long: ${length} characters, at most ${MAX_NAME_LENGTH}`);
  if (!NAME.test(name) || name.includes('..')) {
    throw refuse('use letters, digits, space, dot, dash or underscore, starting with a letter or digit');
  }
  if (WINDOWS_DEVICE.test(name) || name.endsWith('.')) {
    throw refuse('Windows reserves device names (CON, NUL, COM1...) and names ending in a dot');
  }
  const key = foldKey(name);
  const odd = [...key].find((c) => !KEY.test(c) || INVISIBLE.test(c));
  if (odd !== undefined || [...key].length > MAX_NAME_LENGTH) {
    throw refuse(odd === undefined ? 'it is too long once normalised' : `a character stands for ${shown(odd)}: type it as plain letters`);
  }
  const mixed = mixedScripts(name.normalize('NFKC'));
  if (mixed) throw refuse(`it mixes scripts (${shown(mixed[0])} ${mixed[1]}, ${shown(mixed[2])} ${mixed[3]}): type it in one script`);
  const folder = punycode(key);
  if (!FOLDER.test(folder) || Buffer.byteLength(folder) > MAX_FOLDER_BYTES) throw refuse('it is too long to store: use a shorter name');
  return { name, key, folder };
}

/**
 * NFKC, then full case folding, until nothing changes. JavaScript has no case folding; upper then lower
 * case is the full folding (ß -> ss, ſ -> s, ﬀ -> ff, ẞ -> ss once repeated) except for final sigma,
 * which lower case keeps as ς, and the dotless ı, which folding keeps apart and this key does not: in
 * Turkish I/ı and İ/i are case pairs, elsewhere I/i, so "IŞIK", "Işık" and "ışık" are one person
 * whichever keyboard typed them. İ folds to i + U+0307; the dot above a letter that already has one
 * (Soft_Dotted: i, j, ...) shows nothing and is dropped. Checked against Python's str.casefold in
 * test/unit/record-participant.test.ts.
 */
function foldKey(name: string): string {
  let key = name.normalize('NFKC');
  for (let i = 0; i < 4; i++) {
    const next = key
      .toUpperCase()
      .toLowerCase()
      .replace(/ς/gu, 'σ')
      .replace(/(\p{Soft_Dotted}\p{Mn}*?)\u0307/gu, '$1')
      .normalize('NFKC');
    if (next === key) break;
    key = next;
  }
  return key;
}

// ISO 15924 codes of the scripts Unicode 17 names (Common and Inherited left out: they go with any script).
// Those this JavaScript engine does not know yet are left out; a letter of none of them counts as its own.
const SCRIPTS = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi Buhd Cakm Cans ' +
  'Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong ' +
  'Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana ' +
  'Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand ' +
  'Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam ' +
  'Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb ' +
  'Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml ' +
  'Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo ' +
  'Xsux Yezi Yiii Zanb'
)
  .split(' ')
  .flatMap((code) => {
    try {
      return [{ code, re: new RegExp(`^\\p{Script_Extensions=${code}}$`, 'u') }];
    } catch {
      return [];
    }
  });
/** UTS #39's augmented sets: Han writes Chinese (with Bopomofo), Japanese (with kana) and Korean (with Hangul). */
const AUGMENT: Record<string, string[]> = { Hani: ['Hanb', 'Jpan', 'Kore'], Hira: ['Jpan'], Kana: ['Jpan'], Hang: ['Kore'], Bopo: ['Hanb'] };
const COMMON = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/**
 * UTS #39's "highly restrictive" level: one script (with Common and Inherited characters), or Latin with
 * Han and kana (Japanese), Han and Bopomofo (Chinese) or Han and Hangul (Korean). Otherwise the first two
 * letters that share no script, each with its script, e.g. ["А", "Cyrl", "n", "Latn"].
 */
function mixedScripts(text: string): [string, string, string, string] | undefined {
  if (/^[\x20-\x7e]*$/.test(text)) return undefined; // ASCII: Latin and Common only
  const letters = [...new Set(text)].filter((c) => !COMMON.test(c)).map((c) => ({ c, scripts: scriptsOf(c) }));
  const fits = (list: typeof letters) => intersect(list.map((l) => l.scripts));
  if (fits(letters).size > 0) return undefined;
  const notLatin = letters.filter((l) => !l.scripts.has('Latn'));
  const rest = fits(notLatin);
  if (['Jpan', 'Hanb', 'Kore'].some((s) => rest.has(s))) return undefined;
  for (let i = 1; i < letters.length; i++) {
    const other = letters.slice(0, i).find((l) => fits([l, letters[i]]).size === 0);
    if (other) return [other.c, first(other.scripts), letters[i].c, first(letters[i].scripts)];
  }
  return undefined;
}

function scriptsOf(c: string): Set<string> {
  const codes = SCRIPTS.filter((s) => s.re.test(c)).map((s) => s.code);
  if (codes.length === 0) codes.push(codePoint(c)); // a script newer than this engine: its own
  return new Set(codes.flatMap((code) => [code, ...(AUGMENT[code] ?? [])]));
}

function intersect(sets: Set<string>[]): Set<string> {
  if (sets.length === 0) return new Set(['any']);
  return sets.slice(1).reduce((acc, s) => new Set([...acc].filter((x) => s.has(x))), sets[0]);
}

function first(scripts: Set<string>): string {
  return [...scripts][0];
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A name in a message: whole up to the longest allowed, else its first words and "…", so the cut shows. */
function shown(text: string): string {
  const chars = [...text];
  if (chars.length <= MAX_NAME_LENGTH) return JSON.stringify(text);
  const start = chars.slice(0, 40).join('');
  const space = start.lastIndexOf(' ');
  return `${JSON.stringify(space >= 20 ? start.slice(0, space) : start)}…`;
}
