import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { keyOfFolder, MAX_FOLDER_BYTES, participantFolder, participantKey, participantName, sameParticipant } from '../../src/record/participant';
import { REFERENCE_PYTHON } from '../reference/sklearn';

describe('participant identity: one key per person, one folder per key', () => {
  it('makes the spellings of one person one key: case (full folding), compatibility forms, NFC/NFD, spaces', () => {
    const same: string[][] = [
      ['İpek', 'ipek', 'IPEK', 'i\u0307pek'],
      ['Straße', 'STRASSE', 'strasse', 'STRAẞE'],
      ['Ｆｉｏｎａ', 'Fiona', 'FIONA', 'ﬁona'],
      ['Zoë', 'ZOË', 'Zoe\u0308'],
      ['Işık', 'IŞIK', 'ışık'],
      ['Ὀδυσσεύς', 'ὈΔΥΣΣΕΎΣ', 'ὀδυσσεύσ'],
      ['Ann Lee', '  ann   lee ', 'Ann\u00a0Lee', 'ANN\u3000LEE'],
    ];
    for (const names of same) {
      const keys = new Set(names.map(participantKey));
      assert.equal(keys.size, 1, `${names.join(' / ')} -> ${[...keys].join(' / ')}`);
      assert.equal(new Set(names.map(participantFolder)).size, 1);
      assert.ok(sameParticipant(names[0], names[names.length - 1]));
    }
  });

  it('keeps different people apart: space vs underscore, accents, any two names', () => {
    const people = ['Ann Lee', 'Ann_Lee', 'Ann-Lee', 'Ann.Lee', 'AnnLee', 'Zoë', 'Zoe', 'Zoè', 'José María', 'Jose Maria', 'jose_maria', 'さくら', 'さくらこ', 'p', 'p-', 'p--', 'P-01', 'zo-ija'];
    const folders = new Map<string, string>();
    for (const name of people) {
      const folder = participantFolder(name);
      assert.ok(!folders.has(folder), `${folders.get(folder)} and ${name} share ${folder}`);
      folders.set(folder, name);
    }
  });

  it('names each folder with a reversible encoding of the key, safe on every file system', () => {
    for (const name of ['Ann Lee', 'Ann_Lee', 'Zoë', 'さくら', 'Yamada 山田', '김민준', 'Дмитрий', 'محمد', 'P-01', 'Mr. Smith', 'x'.repeat(64), '山'.repeat(64)]) {
      const folder = participantFolder(name);
      assert.match(folder, /^[a-z0-9 ._-]+$/, `${name} -> ${folder}`);
      assert.ok(Buffer.byteLength(folder) <= MAX_FOLDER_BYTES, `${name}: ${folder.length} bytes`);
      assert.equal(keyOfFolder(folder), participantKey(name), 'the folder gives the key back');
      assert.doesNotMatch(folder, /^\.|\.$|^(con|nul|aux|prn)$/);
    }
    assert.equal(participantFolder('Ann Lee'), 'ann lee-');
    assert.equal(participantFolder('Ann_Lee'), 'ann_lee-');
    for (const notOurs of ['ann_lee', 'zoe~1a2b3c4d', 'ANN-', '..', 'a/b']) assert.equal(keyOfFolder(notOurs), undefined, notOurs);
  });

  it('refuses invisible characters, alone or inside a name', () => {
    for (const invisible of ['\u034f', '\ufe0f', '\u180b', '\u3164', '\u200d', '\u200b', '\u2060', '\u115f', '\uffa0', '\u00ad']) {
      const code = `U+${invisible.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      assert.throws(() => participantKey(`Anna${invisible}`), new RegExp(`invisible character \\(${code.replace('+', '\\+')}\\)`), code);
      assert.throws(() => participantKey(`An${invisible}na`), /invisible character/, code);
      assert.throws(() => participantKey(invisible), /invisible character|enter a participant name/, code);
    }
  });

  it('refuses names that mix scripts, and takes the combinations people write (Japanese, Korean, Chinese with Latin)', () => {
    for (const mixed of ['Аnna', 'Anna\u0430', 'Ωmega', 'Pаul', 'Дima']) {
      assert.throws(() => participantKey(mixed), /mixes scripts \(.*Cyrl|Grek.*Latn|Latn.*Cyrl/, mixed);
    }
    assert.throws(() => participantKey('Аnna'), /invalid participant name "Аnna": it mixes scripts \("А" Cyrl, "n" Latn\)/);
    for (const fine of ['Anna', 'Анна', '山田さくら', 'ヤマダ 山田', 'Yamada 山田', '김민준', '金民俊 김', '王小明', 'ㄅㄆ 王', 'Zoë 2', 'محمد', 'Ἀλέξανδρος']) {
      assert.ok(participantKey(fine), fine);
    }
  });

  it('refuses what could leave the data folder, control characters, empty and over-long names', () => {
    for (const bad of ['', '   ', '../etc', 'a/b', 'a\\b', '.hidden', 'x'.repeat(65), 'a..b', '..', 'Zoë/../x', 'Zoë\u0000', 'a\nb', 'tab\there', '\u202eevil', 'a:b', '⑴bob']) {
      assert.throws(() => participantKey(bad), /invalid participant name/, JSON.stringify(bad));
    }
    assert.throws(() => participantKey(''), /enter a participant name/);
    assert.throws(() => participantKey('\ufdfa'.repeat(4)), /too long once normalised/, 'one character can stand for 18');
  });

  it('says a name is too long with its length and the limit, showing its first words marked as cut', () => {
    const long = 'Maria Magdalena Theresia von Hohenzollern-Sigmaringen und Schwarzenberg-Hohenlohe-Waldenbur';
    assert.equal([...long].length, 91);
    assert.throws(() => participantKey(long), (e: Error) => {
      assert.equal(e.message, 'invalid participant name "Maria Magdalena Theresia von"…: too long: 91 characters, at most 64');
      return true;
    });
    assert.throws(() => participantKey('Zoë'.repeat(22)), /too long: 66 characters, at most 64$/, 'characters, not bytes');
    assert.ok(participantKey('Zoë'.repeat(21) + 'x'), '64 characters are fine');
    // a name of allowed length is shown whole
    const odd = 'Ana María del Carmen Rodríguez-Fernández de la Torre y Gómez!';
    assert.throws(() => participantKey(odd), (e: Error) => e.message.startsWith(`invalid participant name ${JSON.stringify(odd)}: use letters`));
  });

  it('rejects the device names Windows reserves and names ending in a dot', () => {
    for (const bad of ['CON', 'con', 'Nul', 'COM1', 'lpt3', 'nul.txt', 'foo.', 'Zoë.']) assert.throws(() => participantKey(bad), /Windows/, bad);
    for (const fine of ['Connie', 'console', 'com', 'COM10', 'nullify']) assert.ok(participantKey(fine), fine);
  });

  it('keeps the name as typed (trimmed, NFC, one space) to show and store', () => {
    assert.equal(participantName('  Zoe\u0308   Lee '), 'Zo\u00eb Lee');
    assert.equal(participantName('Ｆｉｏｎａ'), 'Ｆｉｏｎａ');
  });

  it("folds case as Unicode's compatibility caseless match does (Python's str.casefold as the reference)", function () {
    this.timeout(60_000);
    const run = spawnSync(REFERENCE_PYTHON, [join(__dirname, '..', 'reference', 'casefold.py')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.status, 0, `the case-folding reference could not run: ${run.error?.message ?? run.stderr}`);
    const ref = JSON.parse(run.stdout) as { unicode: string; known: [number, number][]; forms: Record<string, string> };
    // the key's two documented departures: the dotless ı is i, and a dot above a dotted letter is no letter
    const refForm = (cp: number) => (ref.forms[cp] ?? String.fromCodePoint(cp)).replace(/ı/g, 'i').replace(/(\p{Soft_Dotted}\p{Mn}*?)\u0307/gu, '$1').normalize('NFKC');
    const tried = new Set<number>();
    for (const cp of Object.keys(ref.forms).map(Number)) {
      tried.add(cp);
      for (const c of refForm(cp)) tried.add(c.codePointAt(0)!);
    }
    for (const [from, to] of ref.known) {
      for (let cp = from; cp <= to; cp++) {
        const c = String.fromCodePoint(cp);
        if (c.toUpperCase().toLowerCase().normalize('NFKC') !== c) tried.add(cp);
      }
    }
    const known = (cp: number) => ref.known.some(([a, b]) => cp >= a && cp <= b);
    const oursByRef = new Map<string, { cp: number; key: string }>();
    const refByOurs = new Map<string, { cp: number; form: string }>();
    const disagree: string[] = [];
    let compared = 0;
    for (const cp of tried) {
      if (!known(cp)) continue;
      let key: string;
      try {
        key = participantKey(String.fromCodePoint(cp));
      } catch {
        continue; // not a name on its own (a mark, a character standing for punctuation)
      }
      compared += 1;
      const form = refForm(cp);
      const a = oursByRef.get(form);
      const b = refByOurs.get(key);
      const hex = (n: number) => n.toString(16).toUpperCase();
      if (a && a.key !== key) disagree.push(`U+${hex(a.cp)} and U+${hex(cp)}: one in the reference, not in the key`);
      if (b && b.form !== form) disagree.push(`U+${hex(b.cp)} and U+${hex(cp)}: one key, two in the reference`);
      oursByRef.set(form, { cp, key });
      refByOurs.set(key, { cp, form });
    }
    assert.ok(compared > 2000, `compared ${compared} letters and digits`);
    assert.deepEqual(disagree, [], `against Unicode ${ref.unicode}`);
  });
});
