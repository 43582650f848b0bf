// firehose-push: records in, PutRecordBatch out. Every record goes to the on-disk spool first (the msg
// completes once it is fsynced); a sender drains the spool in batches and reports each flush.
import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import type { AwsClientSource } from '../../src/aws/client-config';
import { encodePayload, MAX_BATCH_RECORDS } from '../../src/aws/firehose-records';
import { firehosePut, permanentCause } from '../../src/aws/firehose-put';
import { FirehoseSender, type DeliveryReport } from '../../src/aws/firehose-sender';
import { formatBytes, Spool, type SpoolGap } from '../../src/aws/spool';
import { dataRoot } from '../../src/record/paths';
import { translator } from '../lib/i18n';
import { configNumber, onInput, status, toError, userDir } from '../lib/node-kit';
import { registerNodeType } from '../lib/migrations';

interface FirehosePushDef extends NodeDef {
  aws: string;
  stream: string;
  batchSize: string;
  maxDelay: string;
  spoolMb: string;
  retryMax: string;
}

interface Pipeline {
  spool: Spool;
  sender: FirehoseSender;
}

const STREAM = /^[a-zA-Z0-9_.-]{1,64}$/;
/** Warn when the spool uses this share of its disk budget; warn again after it fell below half. */
const WARN_AT = 0.8;

export = function (RED: NodeAPI) {
  const t = translator(RED);

  function FirehosePush(this: Node, def: FirehosePushDef) {
    RED.nodes.createNode(this, def);
    setUp(this, def);
  }

  function setUp(node: Node, def: FirehosePushDef): void {
    const aws = RED.nodes.getNode(def.aws) as unknown as (Node & AwsClientSource) | null;
    const redact = (text: string) => (aws ? aws.redact(text) : text);
    let totalSent = 0;
    /** why delivery stopped ('offline' while it passes by itself), undefined while delivering */
    let stalled: string | undefined;
    let warnedFull = false;
    /** Saving the spool's delivery position fails (a full disk): the status stays red until it works again. */
    let diskTrouble: Error | undefined;
    let lastBacklog = 0;
    /** records the spool could not deliver as written since the start (a missing segment, a damaged ack) */
    const gaps = { lost: 0, resent: 0 };

    const pipeline: Promise<Pipeline> = start().catch((e: unknown) => {
      const err = new Error(redact(toError(e).message));
      status.error(node, err);
      node.error(`firehose-push: ${err.message}`);
      throw err;
    });
    pipeline.catch(() => undefined); // reported above; each input fails with it too

    async function start(): Promise<Pipeline> {
      if (!aws) throw new Error(t('firehose-push.errors.noConfig'));
      const stream = String(def.stream ?? '').trim();
      // the name is also the spool folder's: "." or ".." would put the spool outside spool/
      if (!STREAM.test(stream) || /^\.+$/.test(stream)) throw new Error(t('firehose-push.errors.stream'));
      const maxRecords = Math.floor(configNumber(def.batchSize, 'batch size', { min: 1, max: MAX_BATCH_RECORDS, fallback: MAX_BATCH_RECORDS }));
      const maxDelayMs = configNumber(def.maxDelay, 'max delay', { min: 0, max: 900_000, fallback: 1000 });
      const budgetMb = configNumber(def.spoolMb, 'spool budget', { min: 1, max: 1_000_000, fallback: 100 });
      const backoffMaxMs = configNumber(def.retryMax, 'max retry interval', { min: 10, max: 3_600_000, fallback: 30_000 });
      const client = aws.client('firehose', (config) => new FirehoseClient(config));
      const spool = await Spool.open(join(dataRoot(userDir(RED)), 'spool', stream), {
        budgetBytes: budgetMb * 1024 * 1024,
        events: { warn: (message) => node.warn(`firehose-push: ${message}`), gap: onGap, failing: onDiskFailing, recovered: onDiskRecovered },
      });
      const sender = new FirehoseSender(
        spool,
        firehosePut(client, stream),
        { maxRecords, maxDelayMs, backoffMaxMs, backoffBaseMs: Math.min(100, backoffMaxMs) },
        { report: onReport, failure: onFailure },
      );
      sender.start();
      showBacklog(sender.backlog);
      return { spool, sender };
    }

    function onReport(report: DeliveryReport): void {
      totalSent += report.sent;
      if (stalled && report.failed === 0) {
        stalled = undefined;
        node.log(`firehose-push: ${t('firehose-push.log.delivering', { count: report.spooled })}`);
      }
      if (!stalled) showBacklog(report.spooled);
      node.send({ topic: def.stream, payload: { ...report, ...gaps } });
    }

    /** A gap in the spool: counted (msg.payload.lost / resent), logged with the count, kept in the status. */
    function onGap(gap: SpoolGap): void {
      gaps[gap.kind] += gap.records;
      node.warn(`firehose-push: ${gap.message}`);
      if (!stalled) showBacklog(lastBacklog);
    }

    /** Shows why records wait (a permanent cause such as a wrong stream name, or just offline); logs each new cause once. */
    function onFailure(cause: Error, report: DeliveryReport): void {
      const why = permanentCause(cause) ?? 'offline';
      const shown = why === 'offline' ? t('firehose-push.status.offline') : why;
      status.error(node, t('firehose-push.status.stalled', { why: shown, count: report.spooled }));
      if (why !== stalled) {
        const text = why === 'offline' ? 'firehose-push.errors.kept' : 'firehose-push.errors.keptFix';
        node.error(`firehose-push: ${t(text, { reason: redact(cause.message), count: report.spooled })}`);
      }
      stalled = why;
    }

    function onDiskFailing(err: Error): void {
      diskTrouble = err;
      status.error(node, err);
      node.error(`firehose-push: ${t('firehose-push.errors.diskFailing', { reason: err.message })}`);
    }

    function onDiskRecovered(): void {
      diskTrouble = undefined;
      node.log(`firehose-push: ${t('firehose-push.log.diskRecovered')}`);
      if (!stalled) showBacklog(lastBacklog);
    }

    function showBacklog(backlog: number): void {
      lastBacklog = backlog;
      if (diskTrouble) return status.error(node, diskTrouble);
      const text = backlog > 0 ? t('firehose-push.status.backlog', { count: backlog }) : totalSent > 0 ? t('firehose-push.status.sent', { count: totalSent }) : t('firehose-push.status.ready');
      if (gaps.lost + gaps.resent > 0) status.warn(node, t('firehose-push.status.gaps', { status: text, lost: gaps.lost, resent: gaps.resent }));
      else if (backlog > 0) status.busy(node, text);
      else if (totalSent > 0) status.ok(node, text);
      else status.idle(node, text);
    }

    function checkBudget(spool: Spool): void {
      const used = spool.diskBytes / spool.budgetBytes;
      if (used >= WARN_AT && !warnedFull) {
        warnedFull = true;
        status.warn(node, t('firehose-push.status.spoolFull', { percent: Math.round(used * 100) }));
        const sizes = { used: formatBytes(spool.diskBytes), budget: formatBytes(spool.budgetBytes) };
        node.warn(`firehose-push: ${t('firehose-push.warnings.spoolFull', sizes)}`);
      } else if (used < WARN_AT / 2) {
        warnedFull = false;
      }
    }

    onInput(node, async (msg) => {
      const records = encodePayload(msg.payload);
      const { spool, sender } = await pipeline;
      await spool.append(records);
      sender.notify();
      checkBudget(spool);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      pipeline
        .then(async ({ spool, sender }) => {
          await sender.stop();
          if (spool.backlog > 0) node.log(`firehose-push: ${t('firehose-push.log.leftInSpool', { count: spool.backlog, dir: spool.dir })}`);
          await spool.close();
        })
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  registerNodeType(RED, 'emotion-firehose-push', FirehosePush);
};
