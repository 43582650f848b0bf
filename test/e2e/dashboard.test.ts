// The `npm start` setup end to end: the same settings (demo/settings.js), the same prepared user dir
// (shipped flows + seeded demo participant) and this package from dist/ (npm test builds first), on a
// random loopback port in a temp dir, clicked through in headless Chromium. The detection window is
// shortened to 2 s through the Detect tab's DETECT_WINDOW_S variable, the one place the flow reads it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { prepareDemoUserDir } from '../../demo/demo-user-dir';
import { DEMO_PARTICIPANT } from '../../demo/seed';
import { SETTLE_MS } from '../../src/hat/simulated-hat';
import type { FlowNode } from '../../demo/combine-flows';
import { historyPath, modelPath } from '../../src/record/paths';
import { AnswerHistory } from '../../src/record/answer-history';
import { RecordStore } from '../../src/record/record-store';
import { saveModel } from '../../src/model/model-store';
import { trainModel } from '../../src/model/train';
import { UNFAMILIAR_THRESHOLD } from '../../src/model/familiarity';
import { recordMoods } from '../support/held-out-sessions';
import { SCENARIOS, trainReal } from '../support/real-affect-protocol';
import { launchChromium, startNodeRed, withDetectWindow, type NodeRedProcess } from '../support/node-red-process';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test-artifacts');
const LABELS = /^(angry|happy|sad|uncertain)$/;

/** Types a participant into the page's Participant field and sends it (Enter), as a therapist would. */
async function chooseParticipant(page: Page, name: string) {
  const field = page.getByLabel('Participant');
  await field.fill(name);
  await field.press('Enter');
}

/** The on-page message under the buttons (not a toast), or '' when there is none. */
async function pageMessage(page: Page): Promise<string> {
  const m = page.locator('.page-message');
  return (await m.count()) ? ((await m.first().textContent()) ?? '').trim() : '';
}

/** Waits until the big answer is one of the labels, and returns it. */
async function answerShown(page: Page): Promise<string> {
  await page.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector('.emotion-label')?.textContent?.trim() ?? ''),
    LABELS.source,
    { timeout: 20_000 },
  );
  return (await page.locator('.emotion-label').textContent())!.trim();
}

/** The beat detector needs a few beats after start-up before records carry a BPM. */
function heartRateShown(page: Page) {
  return page.waitForFunction(() => Number(/Heart rate\s+40\s+160\s+(\d+)/.exec(document.body.innerText)?.[1]) >= 40, null, { timeout: 20_000 });
}

/** Waits until the "Recorded per mood" table shows `count` records for happy. */
function happyCountShows(page: Page, count: number) {
  return page.waitForFunction((n) => {
    const row = Array.from(document.querySelectorAll('tr')).find((tr) => tr.querySelector('td')?.textContent?.trim() === 'happy');
    return row?.querySelector('td[data-column-key="records"]')?.textContent?.trim() === String(n);
  }, count);
}

describe('dashboard in a real Node-RED and headless Chromium', function () {
  this.timeout(120_000);
  let userDir: string;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(join(root, 'dist', 'nodes', 'emotion-infer', 'emotion-infer.js')), 'run npm run build first (npm test does)');
    userDir = mkdtempSync(join(tmpdir(), 'emotion-e2e-'));
    await prepareDemoUserDir(userDir, { flowsDir: join(root, 'flows'), adjustFlows: withDetectWindow(2) });
    nr = await startNodeRed({ userDir });
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });

  afterEach(async () => {
    await page?.close();
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('runs the shipped flows with every node type installed', async () => {
    const res = await fetch(`${nr.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    assert.equal(res.status, 200);
    const { flows } = (await res.json()) as { flows: FlowNode[] };
    const tabs = flows.filter((n) => n.type === 'tab').map((n) => n.label);
    assert.deepEqual(tabs.sort(), ['Arousal watch', 'Emotion detection', 'Emotion training']);
    assert.doesNotMatch(nr.log(), /Waiting for missing types|Missing node modules|unknown type/i);
    assert.match(nr.log(), /Started flows/);
  });

  it('answers "Detect your emotion" with a label, its confidence, a suggestion and a history row', async () => {
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, DEMO_PARTICIPANT);
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    const answer = await answerShown(page);
    // the page starts on the feeling calm, which the demo model never saw: often "not like any mood"; on the
    // real-sized simulated hat the demo model's verdict is usually that it cannot tell the moods apart
    assert.match(
      (await page.locator('.emotion-confidence').textContent())!,
      /^\d+ % confident( \(calibrated on held-out sessions\))?$|^This doesn't look like any mood recorded for demo yet|demo's model cannot tell these moods apart better than chance/,
    );
    assert.match((await page.locator('.emotion-suggestion').textContent())!, /Music:.*Lighting:/s);
    await page.getByRole('cell', { name: answer, exact: true }).first().waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'detect.png'), fullPage: true });
  });

  it('records a mood on the Training page, shows the counts, trains and shows the accuracy', async () => {
    const store = new RecordStore(userDir);
    const before = (await store.counts(DEMO_PARTICIPANT)).counts.happy;
    const modelBefore = readFileSync(modelPath(userDir, DEMO_PARTICIPANT), 'utf8');

    await page.goto(`${nr.url}/dashboard/training`);
    await chooseParticipant(page, DEMO_PARTICIPANT); // the mood starts on "happy"
    await happyCountShows(page, before);
    await page.getByRole('button', { name: 'Start' }).click();
    // the first seconds are the warm-up the trainer drops: the page says so
    // (under load the recorder may skip a second: "8 records, 2 skipped, warm-up 1 s")
    await page.getByText(/recording happy: [1-9]\d* records(, \d+ skipped)?, warm-up \d+ s \(not used for training\)/).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText(/stopped: \d+ records/).waitFor();
    const after = (await store.counts(DEMO_PARTICIPANT)).counts.happy;
    assert.ok(after > before, `happy records ${before} -> ${after}`);
    await happyCountShows(page, after);

    // the card of the seeded model is there before training, and replaced by the new one after
    const trainedBefore = (await page.locator('.card-trained').textContent())!;
    await new Promise((r) => setTimeout(r, 1000)); // a new trainedAt shows a different second
    await page.getByRole('button', { name: 'Train model' }).click();
    await page.waitForFunction((before) => {
      const now = document.querySelector('.card-trained')?.textContent;
      return now !== undefined && now !== before;
    }, trainedBefore, { timeout: 30_000 });
    const accuracy = page.locator('.accuracy');
    const percent = Number(/Balanced accuracy ([\d.]+) %/.exec((await accuracy.textContent())!)?.[1]);
    assert.ok(percent >= 0 && percent <= 100, `balanced accuracy ${percent} %`);
    // the seed follows the protocol, so the verdict is measured; on the real-sized simulated hat, seeded at
    // the time of the run, it may well be that the moods cannot be told apart (docs/sensors.md)
    assert.match((await page.locator('.card-verdict').textContent())!.trim(), /^(Can tell these moods apart|Cannot tell these moods apart better than chance)$/);
    assert.equal(await page.locator('table.confusion tr').count(), 4, 'header + one row per label');
    // the protocol: sessions, minutes and occasions per mood, and what is still to record
    const happyRow = page.locator('tr', { has: page.locator('td', { hasText: /^happy$/ }) });
    assert.equal((await happyRow.locator('td[data-column-key="sessions"]').textContent())!.trim(), '2', 'a few seconds are not a session');
    assert.equal((await happyRow.locator('td[data-column-key="occasions"]').textContent())!.trim(), '2');
    assert.match((await page.locator('.recording-protocol').innerText()).replace(/\s+/g, ' '), /Still to record for demo: record calm too: a rest session, sitting quietly/);
    assert.notEqual(readFileSync(modelPath(userDir, DEMO_PARTICIPANT), 'utf8'), modelBefore, 'the model was saved again');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'training.png'), fullPage: true });
  });

  it('refuses to record, train or detect without a participant, and says so on the page', async () => {
    const store = new RecordStore(userDir);
    const participantsBefore = await store.participants();
    const demoBefore = await store.read(DEMO_PARTICIPANT);

    await page.goto(`${nr.url}/dashboard/training`);
    assert.equal(await page.getByLabel('Participant').inputValue(), '', 'a fresh tab has no participant');
    assert.equal(await page.locator('.model-card').count(), 0, "a fresh tab shows nobody's model");
    assert.match(await page.locator('body').innerText(), /No data available/, "a fresh tab shows nobody's counts");
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Enter a participant first: nothing is recorded without one.').waitFor();
    await page.getByRole('button', { name: 'Train model' }).click();
    await page.getByText('Enter a participant first: there is nothing to train.').waitFor();
    await chooseParticipant(page, 'Zoë');
    await page.waitForFunction(() => !document.querySelector('.page-message'), null, { timeout: 5000 });
    await chooseParticipant(page, '');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText('Enter a participant first: nothing is recorded without one.').waitFor();

    await page.goto(`${nr.url}/dashboard/detect`);
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    await page.getByText('Enter a participant first: whose model should answer?').waitFor();
    assert.equal((await page.locator('.emotion-label').textContent())!.trim(), '—', 'no answer from anyone\'s model');

    await new Promise((r) => setTimeout(r, 1500)); // a recording would have stored a record by now
    assert.deepEqual(await store.participants(), participantsBefore, 'no new participant folder');
    assert.equal((await store.read(DEMO_PARTICIPANT)).length, demoBefore.length, 'nothing recorded into demo');
  });

  it('says a name is too long with its length and the limit, not a name cut to nonsense', async () => {
    await page.goto(`${nr.url}/dashboard/training`);
    const long = 'Maria Magdalena Theresia von Hohenzollern-Sigmaringen und Schwarzenberg-Hohenlohe-Waldenbur';
    await chooseParticipant(page, long);
    await page.getByText('invalid participant name "Maria Magdalena Theresia von"…: too long: 91 characters, at most 64').first().waitFor();
  });

  it("keeps each browser's participant and answer to itself", async () => {
    const a = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const b = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    try {
      const pa = await a.newPage();
      await pa.goto(`${nr.url}/dashboard/detect`);
      await heartRateShown(pa);
      await chooseParticipant(pa, DEMO_PARTICIPANT);
      await pa.getByRole('button', { name: 'Detect your emotion' }).click();
      const answerA = await answerShown(pa);
      await pa.getByRole('cell', { name: answerA, exact: true }).first().waitFor();

      // A second tablet opened afterwards shows nobody: no name, no answer, no history, no progress.
      const pb = await b.newPage();
      await pb.goto(`${nr.url}/dashboard/detect`);
      await heartRateShown(pb);
      assert.equal(await pb.getByLabel('Participant').inputValue(), '');
      assert.equal((await pb.locator('.emotion-label').textContent())!.trim(), '—');
      assert.equal(await pb.getByRole('cell', { name: DEMO_PARTICIPANT, exact: true }).count(), 0, 'no history of another person');
      assert.match(await pb.locator('body').innerText(), /Collecting: 0%/);

      // B's person has no model: B sees the error on its own page, and A keeps its person and answer.
      await chooseParticipant(pb, 'Zoë');
      await pb.getByRole('button', { name: 'Detect your emotion' }).click();
      // the toast and the page message come from one msg: wait for the page message itself
      await pb.locator('.page-message', { hasText: /no model for participant "Zoë"/ }).waitFor();
      assert.equal((await pb.locator('.emotion-label').textContent())!.trim(), '—');
      assert.match(await pb.locator('body').innerText(), /Collecting: 0%/, 'progress back to 0 after the error');
      assert.equal(await pa.getByLabel('Participant').inputValue(), DEMO_PARTICIPANT);
      assert.equal((await pa.locator('.emotion-label').textContent())!.trim(), answerA);
      assert.equal(await pageMessage(pa), '', "B's error is not shown to A");

      // A changes person: the previous person's answer and history go away.
      await chooseParticipant(pa, 'Zoë');
      await pa.waitForFunction(() => document.querySelector('.emotion-label')?.textContent?.trim() === '—');
      await pa.getByRole('cell', { name: DEMO_PARTICIPANT, exact: true }).first().waitFor({ state: 'detached', timeout: 5000 });
      assert.equal(await pb.getByLabel('Participant').inputValue(), 'Zoë');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("lets no tab stop, take over or see another tab's recording, training or detection", async () => {
    const a = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const b = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const stateOf = (p: Page) => p.locator('body').innerText();
    try {
      const pa = await a.newPage();
      const pb = await b.newPage();
      await pa.goto(`${nr.url}/dashboard/training`);
      await pb.goto(`${nr.url}/dashboard/training`);
      await chooseParticipant(pa, 'Rita');
      await chooseParticipant(pb, 'Zed');
      // Rita records calm: the simulated body keeps the feeling it was given, and takes minutes to leave
      // another (SETTLE_MS), which the detections of the next tests would read
      await pa.getByRole('combobox', { name: 'Mood to record' }).click({ force: true });
      await pa.locator('.v-overlay .v-list-item', { hasText: 'calm' }).click();
      await pa.locator('.v-overlay .v-list-item').first().waitFor({ state: 'hidden' });
      await pa.getByRole('button', { name: 'Start' }).click();
      await pa.getByText(/recording calm: \d+ records/).waitFor({ timeout: 10_000 });

      // B cannot start over A's recording, nor learn whose it is
      await pb.getByRole('button', { name: 'Start' }).click();
      await pb.getByText('Another tab is recording: wait until it stops.').waitFor();
      assert.doesNotMatch(await stateOf(pb), /Rita/);
      // B's Stop asks first; A records on
      await pb.getByRole('button', { name: 'Stop' }).click();
      await pb.getByText('Another tab is recording: press Stop again within 10 s to stop it.').waitFor();
      const recordsNow = async () => Number(/recording calm: (\d+) records/.exec(await stateOf(pa))?.[1] ?? -1);
      const before = await recordsNow();
      await pa.waitForFunction((n) => Number(/recording calm: (\d+) records/.exec(document.body.innerText)?.[1] ?? -1) > n, before, { timeout: 10_000 });
      // a second Stop stops it, and A is told
      await pb.getByRole('button', { name: 'Stop' }).click();
      await pb.getByText('Stopped the recording another tab started.').waitFor();
      await pa.getByText('Stopped from another tab.').waitFor();
      await pa.getByText(/stopped: \d+ records/).waitFor();

      // one training at a time: B is refused while A's runs, and A's result shows on A only
      await chooseParticipant(pa, DEMO_PARTICIPANT);
      await pa.locator('.card-trained').waitFor();
      const trainedBefore = (await pa.locator('.card-trained').textContent())!;
      await new Promise((r) => setTimeout(r, 1000)); // a new trainedAt shows a different second
      await pa.getByRole('button', { name: 'Train model' }).click();
      await pb.getByRole('button', { name: 'Train model' }).click();
      await pb.getByText('Another tab is training a model: wait until it is done.').waitFor();
      await pa.waitForFunction((was) => document.querySelector('.card-trained')?.textContent !== was, trainedBefore, { timeout: 30_000 });
      const result = new RegExp(`${DEMO_PARTICIPANT}: [\\d.]+% on held-out windows`);
      await pa.getByText(result).waitFor();
      assert.doesNotMatch(await stateOf(pb), result, "A's result is not shown to B");
      assert.equal(await pb.locator('.model-card').count(), 0, "nor A's model card");

      // one detection at a time: B's Detect during A's window is refused, and A gets its answer
      await pa.goto(`${nr.url}/dashboard/detect`);
      await pb.goto(`${nr.url}/dashboard/detect`);
      await heartRateShown(pa);
      await chooseParticipant(pa, DEMO_PARTICIPANT);
      await chooseParticipant(pb, DEMO_PARTICIPANT);
      await pa.getByRole('button', { name: 'Detect your emotion' }).click();
      await pb.getByRole('button', { name: 'Detect your emotion' }).click();
      await pb.getByText('Another tab is detecting: try again in a few seconds.').waitFor();
      assert.match(await answerShown(pa), LABELS);
      assert.equal(await pageMessage(pa), '', 'A was not cancelled');
      assert.equal((await pb.locator('.emotion-label').textContent())!.trim(), '—', "A's answer is not shown to B");
      // once A has its answer, B may detect
      await pb.getByRole('button', { name: 'Detect your emotion' }).click();
      assert.match(await answerShown(pb), LABELS);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers "uncertain" with the reason when a calm window is unlike every mood the participant recorded', async () => {
    // Ana's model: angry and sad recorded (at a fixed time, so it is always the same) by the simulated
    // person "Dev" (seed 1: the heart rate of the page's "demo" person), whose skin conducts five times as
    // well. The calm "demo" the page's hat reads wanders by tens of percent within an hour and between days
    // (docs/sensors.md), so with Dev's own skin 5 % of its 2-s windows came near Dev's moods; five times is
    // far from both at any time (2-s windows at 2000 times in a week: 12.5 or more, the limit 2.8). How often
    // calm is caught on the person who trained is model-familiarity's test.
    const recordedAt = Date.UTC(2026, 10, 1, 9);
    const dev = recordMoods(1, 'Dev', ['angry', 'sad'], 90, recordedAt).map((r) => ({ ...r, gsr: Math.round(r.gsr * 5 * 1000) / 1000 }));
    const model = trainModel(dev, { participant: 'Ana', labels: ['angry', 'sad'] });
    saveModel(userDir, model);
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, 'Ana');
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    assert.equal(await answerShown(page), 'uncertain');
    // in words a therapist can act on; the numbers only in the details line below
    const why = (await page.locator('.emotion-confidence').textContent())!;
    assert.match(why, /^This doesn't look like any mood recorded for Ana yet, so there is no answer rather than a guess\. If the feeling just changed, wait a little/);
    assert.doesNotMatch(why, /distance|limit|\d/);
    const details = (await page.locator('.emotion-details').textContent())!;
    assert.match(details, new RegExp(`^Details: distance [\\d.]+ from the recorded moods, answers up to ${UNFAMILIAR_THRESHOLD}$`));
    assert.ok(Number(/distance ([\d.]+)/.exec(details)![1]) > UNFAMILIAR_THRESHOLD);
    // each of Ana's moods was recorded once: whatever the answer, the page says it is not measured yet
    assert.match((await page.locator('.emotion-caveat').textContent())!, /Not measured yet: Ana recorded some moods only once/);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'detect-unfamiliar.png'), fullPage: true });
  });

  it('says why a model that cannot tell the moods apart answers "uncertain", and what to record (a real person\'s model)', async () => {
    // Stress-Predict S04, rest and stress blocks in two sessions each: not better than chance on held-out sessions
    const model = trainReal('S04', SCENARIOS.find((s) => s.name === 'two sessions per mood')!, { participant: 'Rea' });
    assert.equal(model.metrics.verdict, 'not-separable');
    saveModel(userDir, model);
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, 'Rea');
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    assert.equal(await answerShown(page), 'uncertain');
    assert.match(
      (await page.locator('.emotion-confidence').textContent())!,
      /Rea's model cannot tell these moods apart better than chance on sessions it did not learn from, so it does not guess\. Record each mood again on other occasions/,
    );
    await page.getByRole('cell', { name: 'not-separable', exact: true }).first().waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'detect-not-separable.png'), fullPage: true });

    await page.goto(`${nr.url}/dashboard/training`);
    await chooseParticipant(page, 'Rea');
    await page.locator('.card-verdict').waitFor();
    assert.equal((await page.locator('.card-verdict').textContent())!.trim(), 'Cannot tell these moods apart better than chance');
    assert.match((await page.locator('.card-reason').textContent())!, /^cannot tell these moods apart better than chance on sessions it did not learn from: \d+ % on held-out windows/);
    const cardText = (await page.locator('.model-card').innerText()).replace(/\s+/g, ' ');
    assert.match(cardText, /Sessions per mood \(separate occasions\): rest 2 \(1\) · stress 2 \(1\)/);
    // the figures the card shows are the trainer's own, measured on the real recording's held-out windows
    const m = model.metrics;
    const pct = (v: number, digits = 0) => (v * 100).toFixed(digits);
    const heldOut = `Balanced accuracy ${pct(m.balancedAccuracy!, 1)} % vs chance 50 %, on ${m.testWindows} held-out windows of 10 s (95 % interval ${pct(m.interval![0])}–${pct(m.interval![1])} %)`;
    assert.ok(cardText.includes(heldOut), `card: ${cardText}`);
    assert.match(cardText, /Random split of seconds, as published: [\d.]+ % on \d+ test rows/);
  });

  it('shows the model card of the current participant: when, on what, how well, simulated, and a small-test-set warning', async () => {
    // Tiny recorded 35 s of each mood: one 10-s window of each held out, after a gap
    const tiny = trainModel(recordMoods(1, DEMO_PARTICIPANT, ['angry', 'happy', 'sad'], 35, Date.UTC(2026, 10, 1, 9)), { participant: 'Tiny', warmupSeconds: 0 });
    saveModel(userDir, tiny);
    await page.goto(`${nr.url}/dashboard/training`);
    await page.getByText('Enter a participant, record every mood').waitFor();
    assert.equal(await page.locator('.model-card').count(), 0, 'nobody chosen: no card');

    await chooseParticipant(page, DEMO_PARTICIPANT);
    const card = page.locator('.model-card');
    await card.waitFor();
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Model of demo simulated data/);
    assert.match(text, /Trained \S+/);
    assert.match(text, /Can tell these moods apart|Cannot tell these moods apart better than chance/);
    assert.match(text, /Balanced accuracy [\d.]+ % vs chance 33 %, on \d+ held-out windows of 10 s \(95 % interval \d+–\d+ %\)/);
    assert.match(text, /Sessions per mood \(separate occasions\): angry 2 \(2\) · happy 2 \(2\) · sad 2 \(2\) — each session answered by a model trained only on the sessions before it/);
    assert.match(text, /Confidence calibrated on \d+ held-out windows: expected calibration error \d\.\d\d \(\d\.\d\d uncalibrated\)/);
    assert.match(text, /Random split of seconds, as published: [\d.]+ % on \d+ test rows \(95 % interval \d+–\d+ %\)/);
    assert.match(text, /Rows per mood: angry \d+ · happy \d+ · sad \d+/);
    assert.match(text, /ROC AUC 0?\.\d{3}|ROC AUC 1\.000/);
    assert.equal(await page.locator('.card-warning').count(), 0, 'the seeded model has enough test rows');
    // the card and the metrics below it are read one after the other, never drawn over each other
    const [cardBottom, metricsTop] = await page.evaluate(() => [
      document.querySelector('.model-card')!.lastElementChild!.getBoundingClientRect().bottom,
      document.querySelector('.metrics')!.getBoundingClientRect().top,
    ]);
    assert.ok(metricsTop >= cardBottom - 1, `the card's last line ends at ${cardBottom}, the metrics start at ${metricsTop}`);

    await chooseParticipant(page, 'Tiny');
    await page.locator('.card-warning').waitFor();
    assert.match((await page.locator('.card-warning').textContent())!, /Small test set: only 3 held-out windows \(angry 1, happy 1, sad 1\)/);
    assert.match((await card.innerText()).replace(/\s+/g, ' '), /Not measurable yet: record each mood again on another occasion .*each mood recorded once: the end of each session held out, which is optimistic/);
    assert.match((await card.innerText()).replace(/\s+/g, ' '), /Model of Tiny/);

    await chooseParticipant(page, 'Nobody Yet');
    await page.getByText('No model for Nobody Yet yet: record every mood, then press “Train model”.').waitFor();
    assert.equal(await page.locator('.model-card').count(), 0, "no other person's card stays");
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'training-card.png'), fullPage: true });
  });

  it('clears the previous answer as soon as a new detection starts', async () => {
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, DEMO_PARTICIPANT);
    const detect = page.getByRole('button', { name: 'Detect your emotion' });
    await detect.click();
    await answerShown(page);
    await page.locator('.emotion-suggestion').waitFor();
    await detect.click();
    // at once, not when the new answer arrives: no label, no confidence, no music or lighting of the last one
    // (checked in one go in the page: the 2-s window may end soon after)
    await page.waitForFunction(() => {
      const box = document.querySelector('.emotion-answer') as HTMLElement | null;
      return box?.innerText.includes('Listening to the body: the new answer comes when the bar is full.') &&
        document.querySelector('.emotion-label')?.textContent?.trim() === '—' && !/confident|Music|Lighting/.test(box.innerText);
    }, null, { polling: 'raf', timeout: 5000 });
    await answerShown(page);
    await page.locator('.emotion-suggestion').waitFor();
    assert.equal(await page.getByText('Listening to the body').count(), 0);
  });

  it('counts down the seconds the simulated body takes to react after the feeling changes, on every tab', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      await page.goto(`${nr.url}/dashboard/detect`);
      await other.goto(`${nr.url}/dashboard/detect`);
      await heartRateShown(page);
      // earlier tests may have changed the feeling minutes ago (the body still reacting): the feeling changes
      // to sad, then to angry, so the countdown below is angry's, whatever the feeling was
      for (const feeling of ['sad', 'angry']) {
        await page.getByRole('combobox', { name: 'Simulated feeling (demo only)' }).click({ force: true });
        await page.locator('.v-overlay .v-list-item', { hasText: feeling }).click();
        await page.locator('.v-overlay .v-list-item').first().waitFor({ state: 'hidden' });
      }
      const total = SETTLE_MS / 1000;
      const line = new RegExp(`^The body takes about ${total} s to react to a new feeling \\(angry\\): detect in (\\d+) s\\.$`);
      // the seconds a tab shows, once it shows the line (its texts may load after the first message)
      const seconds = async (p: Page) => {
        const shown = await p.waitForFunction((re) => new RegExp(re).exec(document.querySelector('.body-reacting')?.textContent?.trim() ?? '')?.[1], line.source, { timeout: 5000 });
        return Number(await shown.jsonValue());
      };
      const first = await seconds(page);
      assert.ok(first >= total - 2 && first <= total, `starts near ${total} s: ${first}`);
      assert.ok((await seconds(other)) >= total - 5, 'the other tab is told too (one hat)');
      await page.waitForFunction((n) => Number(/detect in (\d+) s/.exec(document.querySelector('.body-reacting')?.textContent ?? '')?.[1]) < n, first, { timeout: 3000 });
      // the line goes once the body has reacted: SETTLE_MS is minutes on the real-sized hat, so the page test
      // stops at the countdown; the simulation's settledAt that drives it is tested in hat-simulated.test.ts
    } finally {
      await other.close();
    }
  });

  it('says on the page where a damaged answer history was moved, and goes on answering', async () => {
    saveModel(userDir, trainModel(recordMoods(1, DEMO_PARTICIPANT, ['angry', 'happy', 'sad'], 25, Date.UTC(2026, 10, 1, 9)), { participant: 'Hana', warmupSeconds: 0 }));
    mkdirSync(join(historyPath(userDir, 'Hana'), '..'), { recursive: true });
    writeFileSync(historyPath(userDir, 'Hana'), '[{"timestamp": 17640');
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, 'Hana');
    await page.getByText(/the answer history of "Hana" was damaged \(not JSON.*\): moved to \S+set-aside\/history\/hana-~\S+\.json, a new one is started/).waitFor();
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    const answer = await answerShown(page);
    await page.getByRole('cell', { name: answer, exact: true }).first().waitFor();
  });

  it("keeps each participant's recent answers across a Node-RED restart, and shows only the current one's", async () => {
    await page.goto(`${nr.url}/dashboard/detect`);
    await heartRateShown(page);
    await chooseParticipant(page, DEMO_PARTICIPANT);
    const kept = async () => (await new AnswerHistory(userDir).recent(DEMO_PARTICIPANT)).rows;
    const answersBefore = (await kept()).length;
    await page.getByRole('button', { name: 'Detect your emotion' }).click();
    await answerShown(page);
    // the history row follows the answer (stored, then shown): wait for the table to show what is kept
    let shown = 0;
    for (let tries = 0; tries < 100; tries++) {
      const stored = (await kept()).length;
      shown = await page.locator('td[data-column-key="time"]').count();
      if (stored > answersBefore && shown === Math.min(10, stored)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(shown > 0, 'the new answer is in the table');
    const rowsBefore = await page.locator('td[data-column-key="time"]').allTextContents();

    await page.close();
    await nr.stop();
    nr = await startNodeRed({ userDir });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${nr.url}/dashboard/detect`);
    await page.getByText('No data available').waitFor(); // nobody chosen yet: no one's history
    await chooseParticipant(page, DEMO_PARTICIPANT);
    await page.waitForFunction((n) => document.querySelectorAll('td[data-column-key="time"]').length === n, rowsBefore.length);
    assert.deepEqual(await page.locator('td[data-column-key="time"]').allTextContents(), rowsBefore, 'the same answers, newest first');
    const who = await page.locator('td[data-column-key="participant"]').allTextContents();
    assert.ok(who.every((p) => p.trim() === DEMO_PARTICIPANT), `only demo's answers: ${who.join(', ')}`);
    await chooseParticipant(page, 'Ana'); // Ana's answer from the unfamiliar test above
    // demo's rows may hold an "unfamiliar" answer too: wait for the table to be Ana's, then look
    await page.waitForFunction(() => {
      const who = Array.from(document.querySelectorAll('td[data-column-key="participant"]')).map((td) => td.textContent?.trim());
      return who.length > 0 && who.every((p) => p === 'Ana');
    });
    await page.getByRole('cell', { name: 'unfamiliar', exact: true }).first().waitFor();
    assert.equal(await page.getByRole('cell', { name: DEMO_PARTICIPANT, exact: true }).count(), 0);
  });
});
