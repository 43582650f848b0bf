import assert from 'node:assert/strict';
import { recordsToCsv } from '../../src/record/csv';

const base = { participant: 'Ana', timestamp: 1_764_000_000_000, gsr: 2.5, bpm: 70, session: 's' };

describe('record CSV export', () => {
  it('writes only a header for no records', () => {
    assert.equal(recordsToCsv([]), 'participant,timestamp,time,gsr,bpm,mood,session,simulated,ibi_ms\r\n');
  });

  it('quotes cells with commas, quotes or line breaks, and leaves plain cells alone', () => {
    const csv = recordsToCsv([
      { ...base, session: 'a,b' },
      { ...base, session: 'say "hi"' },
      { ...base, session: 'two\nlines', mood: 'happy', simulated: true },
    ]);
    const rows = csv.split('\r\n');
    assert.equal(rows[1], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,"a,b",false,');
    assert.equal(rows[2], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,"say ""hi""",false,');
    assert.equal(rows[3], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,happy,"two\nlines",true,');
  });

  it('lists a record\'s beat intervals in one cell, separated by spaces', () => {
    const rows = recordsToCsv([{ ...base, ibiMs: [812.5, 790, 801.25] }, { ...base, ibiMs: [] }]).split('\r\n');
    assert.equal(rows[1], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,s,false,812.5 790 801.25');
    assert.equal(rows[2], 'Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,s,false,');
  });

  it('keeps a spreadsheet from running text cells as formulas, but not numbers', () => {
    const rows = recordsToCsv([
      { ...base, gsr: -0.5, session: '+1' },
      { ...base, session: '@sum(A1)' },
      { ...base, session: '-x,y' },
    ]).split('\r\n');
    assert.equal(rows[1], "Ana,1764000000000,2025-11-24T16:00:00.000Z,-0.5,70,,'+1,false,");
    assert.equal(rows[2], "Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,'@sum(A1),false,");
    assert.equal(rows[3], "Ana,1764000000000,2025-11-24T16:00:00.000Z,2.5,70,,\"'-x,y\",false,");
  });
});
