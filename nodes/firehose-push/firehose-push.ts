// firehose-push: records in, PutRecordBatch out. Every record goes to the on-disk spool first (the msg
// completes once it is fsynced); a sender drains the spool in batches and reports each flush.
import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import type { AwsClientSource } from '../../src/aws/client-config';
import { encodePayload, MAX_BATCH_RECORDS } from '../../src/aws/firehose-records';
import { firehosePut, permanentCause } from '../../src/aws/firehose-put';
import { FirehoseSender, type DeliveryReport } from '../../src/aws/firehose-sender';
import { formatBytes, Spool } from '../../src/aws/spool';
import { dataRoot } from '../../src/record/paths';
import { configNumber, onInput, status, toError, userDir } from '../lib/node-kit';

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

    const pipeline: Promise<Pipeline> = start().catch((e: unknown) => {
      const err = new Error(redact(toError(e).message));
      status.error(node, err);
      node.error(`firehose-push: ${err.message}`);
      throw err;
    });
    pipeline.catch(() => undefined); // reported above; each input fails with it too

    async function start(): Promise<Pipeline> {
      if (!aws) throw new Error('no aws-config selected');
      const stream = String(def.stream ?? '').trim();
      // the name is also the spool folder's: "." or ".." would put the spool outside spool/
      if (!STREAM.test(stream) || /^\.+$/.test(stream)) throw new Error('delivery stream name: 1-64 letters, digits, _ . -');
      const maxRecords = Math.floor(configNumber(def.batchSize, 'batch size', { min: 1, max: MAX_BATCH_RECORDS, fallback: MAX_BATCH_RECORDS }));
      const maxDelayMs = configNumber(def.maxDelay, 'max delay', { min: 0, max: 900_000, fallback: 1000 });
      const budgetMb = configNumber(def.spoolMb, 'spool budget', { min: 1, max: 1_000_000, fallback: 100 });
      const backoffMaxMs = configNumber(def.retryMax, 'max retry interval', { min: 10, max: 3_600_000, fallback: 30_000 });
      const client = aws.client('firehose', (config) => new FirehoseClient(config));
      const spool = await Spool.open(join(dataRoot(userDir(RED)), 'spool', stream), {
        budgetBytes: budgetMb * 1024 * 1024,
        events: { warn: (message) => node.warn(`firehose-push: ${message}`), failing: onDiskFailing, recovered: onDiskRecovered },
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
        node.log(`firehose-push: delivering again, ${report.spooled} records spooled`);
      }
      if (!stalled) showBacklog(report.spooled);
      node.send({ topic: def.stream, payload: report });
    }

    /** Shows why records wait (a permanent cause such as a wrong stream name, or just offline); logs each new cause once. */
    function onFailure(cause: Error, report: DeliveryReport): void {
      const why = permanentCause(cause) ?? 'offline';
      status.error(node, `${why}: ${report.spooled} spooled`);
      if (why !== stalled) {
        const fix = why === 'offline' ? '' : ' (fix it and they go out: nothing is lost)';
        node.error(`firehose-push: ${redact(cause.message)}; ${report.spooled} records kept in the spool, retrying${fix}`);
      }
      stalled = why;
    }

    function onDiskFailing(err: Error): void {
      diskTrouble = err;
      status.error(node, err);
      node.error(`firehose-push: ${err.message}; records already delivered may be sent again after a restart`);
    }

    function onDiskRecovered(): void {
      diskTrouble = undefined;
      node.log('firehose-push: the spool can save its delivery position again');
      if (!stalled) showBacklog(lastBacklog);
    }

    function showBacklog(backlog: number): void {
      lastBacklog = backlog;
      if (diskTrouble) status.error(node, diskTrouble);
      else if (backlog > 0) status.busy(node, `backlog ${backlog}`);
      else if (totalSent > 0) status.ok(node, `sent ${totalSent}`);
      else status.idle(node, 'ready');
    }

    function checkBudget(spool: Spool): void {
      const used = spool.diskBytes / spool.budgetBytes;
      if (used >= WARN_AT && !warnedFull) {
        warnedFull = true;
        status.warn(node, `spool ${Math.round(used * 100)}% full`);
        node.warn(
          `firehose-push: the spool uses ${formatBytes(spool.diskBytes)} of its ${formatBytes(spool.budgetBytes)} budget; ` +
            'new records are refused when it is full',
        );
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
          if (spool.backlog > 0) node.log(`firehose-push: ${spool.backlog} records stay in ${spool.dir} until the next start`);
          await spool.close();
        })
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType('emotion-firehose-push', FirehosePush);
};
