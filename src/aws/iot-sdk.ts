// Loads aws-iot-device-sdk-v2 only when an IoT node first connects. Its aws-crt dependency is a native
// addon with binaries for x64 and arm64 only, so on 32-bit Raspberry Pi OS the require fails; the rest of
// the package must still load, and the IoT nodes must say why they cannot work.
import type * as Sdk from 'aws-iot-device-sdk-v2';

export type IotSdk = typeof Sdk;

export interface LoaderEnv {
  require: (id: string) => unknown;
  platform: string;
  arch: string;
}

const SDK = 'aws-iot-device-sdk-v2';
const defaultEnv: LoaderEnv = { require, platform: process.platform, arch: process.arch };
let cached: { sdk?: IotSdk; error?: Error } | undefined;

/** The SDK, or a thrown Error whose message tells the user what to do. The default load is cached. */
export function loadIotSdk(env: LoaderEnv = defaultEnv): IotSdk {
  if (env === defaultEnv && cached) {
    if (cached.error) throw cached.error;
    return cached.sdk as IotSdk;
  }
  let result: { sdk?: IotSdk; error?: Error };
  try {
    result = { sdk: env.require(SDK) as IotSdk };
  } catch (e) {
    result = { error: explainLoadFailure(e, env) };
  }
  if (env === defaultEnv) cached = result;
  if (result.error) throw result.error;
  return result.sdk as IotSdk;
}

export function explainLoadFailure(e: unknown, env: Pick<LoaderEnv, 'platform' | 'arch'>): Error {
  const cause = e instanceof Error ? e : new Error(String(e));
  const code = (cause as NodeJS.ErrnoException).code;
  let message: string;
  if (code === 'MODULE_NOT_FOUND' && cause.message.includes(`'${SDK}'`)) {
    message = `${SDK} is not installed (an optional dependency): run npm install ${SDK} in the Node-RED user directory`;
  } else if (env.arch === 'arm') {
    message = `aws-crt has no binary for ${env.platform}-${env.arch} (32-bit): use Raspberry Pi OS 64-bit`;
  } else if (/binary not present|aws-crt-nodejs\.node/i.test(cause.message)) {
    message = `aws-crt has no binary for ${env.platform}-${env.arch}: reinstall ${SDK} with npm install scripts enabled`;
  } else {
    message = `${SDK} failed to load: ${cause.message}`;
  }
  return new Error(message, { cause });
}
