// The training workflow's Prepare step on a year of one participant's daily sessions, as Firehose stores
// them: one 30-minute session a day at one record a second (3 moods in turn), cut into Parquet files by
// the stream's 300 s buffer, so 6 files a day, 2,190 files, 657,000 rows. The real handler and S3 client
// read them from the loopback S3 peer, which answers every request after a fixed latency (S3 GET's first
// byte comes in tens of ms); the figures compare reading the files one after another with the handler's
// concurrent reads. Run: npx tsx bench/cloud-prepare.ts [latencyMs=30]
import { S3Client } from '@aws-sdk/client-s3';
import { createPrepareHandler } from '../cloud/lambda/train-prepare-handler';
import { participantEndpointName } from '../src/aws/participant-endpoint';
import { firehoseParquet } from '../test/support/firehose-parquet';
import { S3Peer } from '../test/support/s3-peer';

const LATENCY_MS = Number(process.argv[2] ?? 30);
const DAYS = 365;
const SESSION_S = 30 * 60;
const FILE_S = 300;
const BUCKET = 'emotion-records';

async function main(): Promise<void> {
  const s3 = await S3Peer.start();
  let rows = 0;
  let bytes = 0;
  const t0 = Date.now();
  for (let day = 0; day < DAYS; day++) {
    const mood = ['angry', 'happy', 'sad'][day % 3];
    const start = Date.UTC(2026, 0, 1) + day * 86_400_000 + 18 * 3_600_000;
    for (let f = 0; f < SESSION_S / FILE_S; f++) {
      const part = Array.from({ length: FILE_S }, (_, i) => {
        const t = f * FILE_S + i;
        return { timestamp: start + t * 1000, gsr: 2 + (day % 3) + Math.sin(t / 60) * 0.3, bpm: 70 + (day % 3) * 6 + Math.cos(t / 17) * 4, mood, session: `${mood}-${day}` };
      });
      const body = firehoseParquet(part);
      rows += part.length;
      bytes += body.length;
      const d = new Date(start);
      s3.put(BUCKET, `records/participant=Ana/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/18/emotion-records-${day}-${f}.parquet`, body);
    }
  }
  const files = s3.objects.size;
  console.log(`data: ${files} files, ${rows} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB of Parquet (made in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const original = s3.peer.handler;
  s3.peer.handler = async (req) => {
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    return original(req);
  };
  const client = new S3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, forcePathStyle: true });
  for (const concurrency of [1, 16]) {
    const run = createPrepareHandler({ s3: client, bucket: BUCKET, recordsPrefix: 'records/', trainingPrefix: 'training/', endpointPrefix: 'emotion', trainingImage: () => 'image', log: () => {}, concurrency });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = Date.now();
    const out = await run({ input: { participant: 'Ana', endpointName: participantEndpointName('emotion', 'Ana'), labels: ['angry', 'happy', 'sad'] }, executionName: `bench-${concurrency}` });
    clearInterval(sampler);
    console.log(
      `Prepare, ${concurrency === 1 ? 'one file after another' : `${concurrency} files at a time`}, ${LATENCY_MS} ms per request: ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `rss +${Math.round((peak - before) / 1024 / 1024)} MiB (peak ${Math.round(peak / 1024 / 1024)} MiB); rows ${JSON.stringify(out.rows)}`,
    );
  }
  client.destroy();
  await s3.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
