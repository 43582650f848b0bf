import assert from 'node:assert/strict';
import { participantEndpointName } from '../../src/aws/participant-endpoint';

describe('participantEndpointName', () => {
  it('is a valid endpoint name that reads as the prefix and the participant', () => {
    const name = participantEndpointName('emotion', 'Alice Smith');
    assert.match(name, /^emotion-alice-smith-[0-9a-f]{8}$/);
  });

  it('is the same for the same person however the name is typed (case, spaces around, NFC/NFD)', () => {
    const a = participantEndpointName('emotion', 'Zoë');
    assert.equal(participantEndpointName('emotion', ' ZOË '), a);
    assert.equal(participantEndpointName('emotion', 'Zoe\u0308'), a);
  });

  it('keeps names that read alike apart and stays within 63 characters', () => {
    assert.notEqual(participantEndpointName('emotion', 'Zoë'), participantEndpointName('emotion', 'Zoe'));
    assert.match(participantEndpointName('emotion', 'José María'), /^emotion-jose-maria-[0-9a-f]{8}$/);
    const long = participantEndpointName('a-very-long-stack-prefix', 'x'.repeat(64));
    assert.ok(long.length <= 63, long);
    assert.match(participantEndpointName('emotion', '李雷'), /^emotion-[0-9a-f]{8}$/);
  });

  it('refuses an empty participant', () => {
    assert.throws(() => participantEndpointName('emotion', '  '), /participant is required/);
  });
});
