// A Service Quotas peer on the loopback peer: awsJson1_1 (X-Amz-Target ServiceQuotasV20190624.*), for
// ListServiceQuotas (the values in force, which the service lists only for some quotas) and
// ListAWSDefaultServiceQuotas (every quota's default), paged by NextToken as the service pages.
import { LoopbackPeer } from './loopback-peer';

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

export interface PeerQuota {
  ServiceCode: string;
  QuotaCode: string;
  QuotaName: string;
  Value: number;
}

export interface ServiceQuotasPeer {
  peer: LoopbackPeer;
  /** what ListServiceQuotas lists (applied values) */
  applied: PeerQuota[];
  /** what ListAWSDefaultServiceQuotas lists */
  defaults: PeerQuota[];
  /** quotas per page */
  pageSize: number;
  stop(): Promise<void>;
}

export async function startServiceQuotasPeer(): Promise<ServiceQuotasPeer> {
  const state = { applied: [] as PeerQuota[], defaults: [] as PeerQuota[], pageSize: 100 };
  const peer = await LoopbackPeer.start((req) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse(req.body.toString('utf8') || '{}') as { ServiceCode?: string; NextToken?: string };
    const list = target === 'ServiceQuotasV20190624.ListServiceQuotas' ? state.applied : target === 'ServiceQuotasV20190624.ListAWSDefaultServiceQuotas' ? state.defaults : undefined;
    if (!list) return { status: 400, headers: JSON_11, body: JSON.stringify({ __type: 'UnknownOperationException', message: target }) };
    if (!body.ServiceCode) return { status: 400, headers: JSON_11, body: JSON.stringify({ __type: 'IllegalArgumentException', message: 'ServiceCode is required' }) };
    const mine = list.filter((q) => q.ServiceCode === body.ServiceCode);
    const start = Number(body.NextToken ?? 0);
    const page = mine.slice(start, start + state.pageSize);
    const next = start + state.pageSize < mine.length ? String(start + state.pageSize) : undefined;
    return { headers: JSON_11, body: JSON.stringify({ Quotas: page.map((q) => ({ ...q, Adjustable: true, GlobalQuota: false })), ...(next ? { NextToken: next } : {}) }) };
  });
  return {
    peer,
    get applied() {
      return state.applied;
    },
    get defaults() {
      return state.defaults;
    },
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(n) {
      state.pageSize = n;
    },
    stop: () => peer.stop(),
  };
}
