// The Lambda entry point of the train rule's participant gate (bundled by esbuild through EmotionFunction).
import { IoTClient } from '@aws-sdk/client-iot';
import { createParticipantCheck } from './device-participants';
import { createCheckHandler } from './participant-check-handler';

export const handler = createCheckHandler(createParticipantCheck(new IoTClient({ region: process.env.AWS_REGION })), (line) => console.log(line));
