// The Lambda entry point of the inference function's on-failure destination (bundled through EmotionFunction).
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { createFailedHandler } from './infer-failed-handler';

export const handler = createFailedHandler(new IoTDataPlaneClient({ region: process.env.AWS_REGION }), (line) => console.log(line));
