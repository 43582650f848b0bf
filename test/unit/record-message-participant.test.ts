import assert from 'node:assert/strict';
import { messageParticipant } from '../../src/record/message-participant';

describe('which participant a message is about (every node the same way)', () => {
  it('takes msg.participant first, then the record in msg.payload, then the node setting, passing over blanks', () => {
    const record = { gsr: 4, bpm: 70, participant: 'Bo' };
    assert.equal(messageParticipant({ participant: 'Ana', payload: record }, { configured: 'Cal' }), 'Ana');
    assert.equal(messageParticipant({ participant: '  ', payload: record }, { configured: 'Cal' }), 'Bo');
    assert.equal(messageParticipant({ payload: { gsr: 4 } }, { configured: 'Cal' }), 'Cal');
    assert.equal(messageParticipant({ payload: null }, { configured: '' }), undefined);
  });

  it('reads a bare name in msg.payload only where the node takes one (a command such as "start" is no name)', () => {
    assert.equal(messageParticipant({ payload: 'start' }), undefined);
    assert.equal(messageParticipant({ payload: ' Zoë ' }, { payloadIsName: true }), 'Zoë');
  });

  it('answers with the name as stored, and refuses one that could pass for another person', () => {
    assert.equal(messageParticipant({ participant: 'Zoe\u0308' }), 'Zoë');
    assert.throws(() => messageParticipant({ participant: 'Аnna' }), /invalid participant name "Аnna": it mixes scripts/);
  });
});
