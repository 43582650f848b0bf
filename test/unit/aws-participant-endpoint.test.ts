import assert from 'node:assert/strict';
import { participantEndpointName } from '../../src/aws/participant-endpoint';

describe('participantEndpointName', () => {
  it('is a valid endpoint name that reads as the prefix and the participant', () => {
    const name = participantEndpointName('emotion', 'Alice Smith');
    assert.match(name, /^emotion-alice-smith-[0-9a-f]{24}$/);
  });

  it('is the same for the same person however the name is typed (case, spaces around, NFC/NFD, full folding)', () => {
    const a = participantEndpointName('emotion', 'Zoë');
    assert.equal(participantEndpointName('emotion', ' ZOË '), a);
    assert.equal(participantEndpointName('emotion', 'Zoe\u0308'), a);
    assert.equal(participantEndpointName('emotion', 'İpek'), participantEndpointName('emotion', 'ipek'));
    assert.equal(participantEndpointName('emotion', 'Straße'), participantEndpointName('emotion', 'STRASSE'));
    assert.equal(participantEndpointName('emotion', 'Ｆｉｏｎａ'), participantEndpointName('emotion', 'Fiona'));
  });

  it('gives two people two endpoints where the Pi gives them two folders (Ann Lee, Ann_Lee)', () => {
    assert.notEqual(participantEndpointName('emotion', 'Ann Lee'), participantEndpointName('emotion', 'Ann_Lee'));
    assert.throws(() => participantEndpointName('emotion', 'Аnna'), /mixes scripts/);
  });

  it('keeps names that read alike apart and stays within 63 characters', () => {
    assert.notEqual(participantEndpointName('emotion', 'Zoë'), participantEndpointName('emotion', 'Zoe'));
    assert.match(participantEndpointName('emotion', 'José María'), /^emotion-jose-maria-[0-9a-f]{24}$/);
    const long = participantEndpointName('a-very-long-stack-prefix', 'x'.repeat(64));
    assert.ok(long.length <= 63, long);
    assert.match(participantEndpointName('emotion', '李雷'), /^emotion-[0-9a-f]{24}$/);
  });

  it('refuses an empty participant', () => {
    assert.throws(() => participantEndpointName('emotion', '  '), /participant is required/);
  });
});
