// Loads aws-iot-device-sdk-v2 only when an IoT node first connects. Its aws-crt dependency is a native
// addon with binaries for x64 and arm64 only, so on 32-bit Raspberry Pi OS the require fails; the rest of
// the package must still load, and the IoT nodes must say why they cannot work (src/native-addon.ts).
import type * as Sdk from 'aws-iot-device-sdk-v2';
import { addonError } from '../native-addon';

export type IotSdk = typeof Sdk;

export interface LoaderEnv {
  /** default: the real require (whose result is cached) */
  require?: (id: string) => unknown;
  arch?: string;
  /** the project to name in the fix when the SDK is not installed at all (the Node-RED user dir) */
  fallbackDir?: string;
}

const SDK = 'aws-iot-device-sdk-v2';

/**
 * The SDK, or a thrown AddonError whose message says what to do. A connection that fails to load it is
 * not retried until the next deploy (iot-connection.ts), and Node caches a module that loaded.
 */
export function loadIotSdk(env: LoaderEnv = {}): IotSdk {
  try {
    return (env.require ?? require)(SDK) as IotSdk;
  } catch (e) {
    throw addonError('aws-crt', SDK, e, { fallbackDir: env.fallbackDir ?? process.cwd(), arch: env.arch });
  }
}
