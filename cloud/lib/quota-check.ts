// `npm run cloud:check`: before the first participants train, the account quotas that decide how many
// fit, read through Service Quotas (ListServiceQuotas: the values in force, including raised ones; for a
// quota it does not list, ListAWSDefaultServiceQuotas: the default). Quotas are found by name, since their
// codes are not in AWS's own documentation (the serverless concurrency one is L-96300102 in the console).
import { ListAWSDefaultServiceQuotasCommand, ListServiceQuotasCommand, type ServiceQuota, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { DEFAULT_INSTANCE_TYPE, SERVERLESS_CONFIG, TRAINING_INSTANCE, type EndpointSetting } from './training';

interface Wanted {
  service: 'sagemaker' | 'lambda';
  name: RegExp;
  label: string;
}

const wanted = (endpoint: EndpointSetting) => ({
  serverlessConcurrency: { service: 'sagemaker', name: /total concurrency .*across all serverless endpoints/i, label: 'SageMaker serverless concurrency, all endpoints together' },
  serverlessEndpoints: { service: 'sagemaker', name: /number of serverless endpoints/i, label: 'SageMaker serverless endpoints' },
  instanceEndpoints: { service: 'sagemaker', name: new RegExp(`^${(endpoint.instanceType ?? DEFAULT_INSTANCE_TYPE).replace(/\./g, '\\.')} for endpoint usage$`, 'i'), label: `SageMaker ${endpoint.instanceType ?? DEFAULT_INSTANCE_TYPE} endpoint instances` },
  trainingInstances: { service: 'sagemaker', name: new RegExp(`^ml\\.${TRAINING_INSTANCE.replace(/\./g, '\\.')} for training job usage$`, 'i'), label: `SageMaker ml.${TRAINING_INSTANCE} training instances` },
  lambdaConcurrency: { service: 'lambda', name: /^concurrent executions$/i, label: 'Lambda concurrent executions' },
}) satisfies Record<string, Wanted>;

export type QuotaKey = keyof ReturnType<typeof wanted>;

export interface QuotaReport {
  values: Partial<Record<QuotaKey, { value: number; code?: string; name: string; isDefault: boolean }>>;
  /** how many participants can have an endpoint at once; undefined when a quota could not be read */
  participants?: number;
  lines: string[];
}

async function listAll(client: ServiceQuotasClient, service: string, defaults: boolean): Promise<ServiceQuota[]> {
  const quotas: ServiceQuota[] = [];
  let token: string | undefined;
  do {
    const input = { ServiceCode: service, NextToken: token, MaxResults: 100 };
    const page = await client.send(defaults ? new ListAWSDefaultServiceQuotasCommand(input) : new ListServiceQuotasCommand(input));
    quotas.push(...(page.Quotas ?? []));
    token = page.NextToken;
  } while (token);
  return quotas;
}

export async function checkQuotas(client: ServiceQuotasClient, endpoint: EndpointSetting = { kind: 'serverless' }): Promise<QuotaReport> {
  const want = wanted(endpoint);
  const values: QuotaReport['values'] = {};
  for (const service of ['sagemaker', 'lambda'] as const) {
    const keys = (Object.keys(want) as QuotaKey[]).filter((k) => want[k].service === service);
    const applied = await listAll(client, service, false);
    const find = (list: ServiceQuota[], k: QuotaKey) => list.find((q) => want[k].name.test(q.QuotaName ?? '') && typeof q.Value === 'number');
    let defaults: ServiceQuota[] | undefined;
    for (const k of keys) {
      let q = find(applied, k);
      let isDefault = false;
      if (!q) {
        defaults ??= await listAll(client, service, true);
        q = find(defaults, k);
        isDefault = true;
      }
      if (q) values[k] = { value: q.Value!, code: q.QuotaCode, name: q.QuotaName!, isDefault };
    }
  }
  const lines: string[] = [];
  const show = (k: QuotaKey, extra = '') => {
    const v = values[k];
    lines.push(v ? `${want[k].label}: ${v.value}${v.isDefault ? ' (default)' : ''}${extra}  [${v.name}${v.code ? `, ${v.code}` : ''}]` : `${want[k].label}: not found; look it up in the Service Quotas console`);
  };
  let participants: number | undefined;
  if (endpoint.kind === 'serverless') {
    const each = SERVERLESS_CONFIG.MaxConcurrency;
    show('serverlessConcurrency', `, each participant's endpoint takes ${each}`);
    show('serverlessEndpoints');
    const c = values.serverlessConcurrency?.value;
    const n = values.serverlessEndpoints?.value;
    if (c !== undefined && n !== undefined) participants = Math.min(Math.floor(c / each), n);
  } else {
    show('instanceEndpoints', ', one per participant, always on');
    participants = values.instanceEndpoints?.value;
  }
  show('trainingInstances', ': trainings that can run at the same time');
  show('lambdaConcurrency', ': detections answered at the same time, shared with every function of the account');
  lines.push(
    participants === undefined
      ? 'How many participants fit could not be worked out: a quota above was not found.'
      : `About ${participants} participant${participants === 1 ? '' : 's'} can have a ${endpoint.kind} endpoint in this account and region. Ask for more in the Service Quotas console (SageMaker) before there are more.`,
  );
  return { values, participants, lines };
}
