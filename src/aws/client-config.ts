// What every AWS SDK v3 client in this package is built from, and the rules that keep credentials out
// of sight. The aws-config node turns its editor settings into an AwsClientConfig with
// buildClientConfig() and hands it to the nodes that need a client through an AwsClientSource.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options every @aws-sdk v3 client constructor accepts as they are. */
export interface AwsClientConfig {
  region: string;
  /** Absent: the SDK's default provider chain (environment, shared files, instance role). */
  credentials?: AwsCredentials;
  /** For VPC endpoints and the loopback peers in the tests. */
  endpoint?: string;
  maxAttempts?: number;
}

/** What a node gets from its aws-config node: one client per key, created lazily, destroyed on close. */
export interface AwsClientSource {
  client<T extends { destroy(): void }>(key: string, create: (config: AwsClientConfig) => T): T;
  /** Replaces any credential text in a message with "***", for errors, logs and status. */
  redact(text: string): string;
}

/** The editor's settings, all strings or blank. */
export interface AwsConfigSettings {
  region?: string;
  endpoint?: string;
  maxAttempts?: string | number;
}

export interface AwsCredentialSettings {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export const DEFAULT_REGION = 'us-east-1';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function buildClientConfig(settings: AwsConfigSettings, creds: AwsCredentialSettings = {}): AwsClientConfig {
  const region = (settings.region ?? '').trim() || DEFAULT_REGION;
  if (!REGION.test(region)) throw new Error(`invalid AWS region "${region.slice(0, 30)}"`);
  const config: AwsClientConfig = { region };
  const credentials = readCredentials(creds);
  if (credentials) config.credentials = credentials;
  const endpoint = (settings.endpoint ?? '').trim();
  if (endpoint) config.endpoint = checkEndpoint(endpoint);
  const attempts = settings.maxAttempts;
  if (attempts !== undefined && String(attempts).trim() !== '') {
    const n = Number(attempts);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new Error('max attempts must be a whole number from 1 to 10');
    config.maxAttempts = n;
  }
  return config;
}

function readCredentials(creds: AwsCredentialSettings): AwsCredentials | undefined {
  const accessKeyId = (creds.accessKeyId ?? '').trim();
  const secretAccessKey = (creds.secretAccessKey ?? '').trim();
  const sessionToken = (creds.sessionToken ?? '').trim();
  if (!accessKeyId && !secretAccessKey) {
    if (sessionToken) throw new Error('a session token needs an access key id and a secret access key');
    return undefined;
  }
  // Never echo the values: the message must be safe to show in a status or a log.
  if (!accessKeyId) throw new Error('secret access key given without an access key id');
  if (!secretAccessKey) throw new Error('access key id given without a secret access key');
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error('endpoint must be a URL such as https://firehose.eu-west-1.amazonaws.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('endpoint must be an http(s) URL');
  if (url.username || url.password) throw new Error('endpoint must not contain a user name or password');
  return endpoint;
}

/** Long-term (AKIA) and temporary (ASIA) access key ids: what AWS errors echo from the Authorization header. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;

/**
 * Replaces every credential value found in text with "***" (the access key id too: it names the account
 * user). Credentials from the default provider chain are not known here, so any access key id goes too.
 */
export function redactCredentials(text: string, credentials: AwsCredentials | undefined): string {
  let out = text;
  for (const secret of [credentials?.secretAccessKey, credentials?.sessionToken, credentials?.accessKeyId]) {
    if (secret) out = out.split(secret).join('***');
  }
  return out.replace(ACCESS_KEY_ID, '***');
}

/** One client per key, created on first use; destroyAll() releases their sockets. */
export class ClientCache {
  private readonly clients = new Map<string, { destroy(): void }>();

  constructor(private readonly config: AwsClientConfig) {}

  get<T extends { destroy(): void }>(key: string, create: (config: AwsClientConfig) => T): T {
    let client = this.clients.get(key);
    if (!client) {
      // A copy, so a client cannot change what the next one is built from.
      const config = { ...this.config };
      if (config.credentials) config.credentials = { ...config.credentials };
      client = create(config);
      this.clients.set(key, client);
    }
    return client as T;
  }

  destroyAll(): void {
    for (const client of this.clients.values()) {
      try {
        client.destroy();
      } catch {
        // A client that fails to release its sockets must not keep the others open.
      }
    }
    this.clients.clear();
  }
}
