import type { SensorRecord } from './record';

const COLUMNS = ['participant', 'timestamp', 'time', 'gsr', 'bpm', 'mood', 'session', 'simulated', 'ibi_ms'] as const;

/**
 * Records as RFC 4180 CSV (CRLF line ends, header row), for a person to open in a spreadsheet.
 * `time` is the timestamp as ISO 8601 so the file reads without conversion; `ibi_ms` the record's beat
 * intervals, separated by spaces (empty when it has none).
 */
export function recordsToCsv(records: readonly SensorRecord[]): string {
  const rows = records.map((r) =>
    [
      cell(r.participant),
      String(r.timestamp),
      new Date(r.timestamp).toISOString(),
      String(r.gsr),
      String(r.bpm),
      cell(r.mood ?? ''),
      cell(r.session),
      r.simulated ? 'true' : 'false',
      (r.ibiMs ?? []).join(' '),
    ].join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/**
 * Quotes a text cell when it holds a comma, quote or line break, doubling inner quotes. A text cell a
 * spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe: the file may be opened
 * by someone other than who wrote the session names.
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
