// A Parquet file with the Glue table's columns, as Firehose's record format conversion writes one under
// records/participant=<name>/ (the participant is the path, not a column). Used by the Prepare step's
// tests and its bench.
import { parquetWriteBuffer } from 'hyparquet-writer';

/** A stored row: any field may be missing (null) or NaN in a bad record. */
export type StoredRow = { timestamp: number; gsr: number | null; bpm: number | null; mood: string | null; session: string; simulated?: boolean };

export function firehoseParquet(rows: readonly StoredRow[]): Buffer {
  const column = <T>(pick: (r: StoredRow) => T) => rows.map(pick);
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'timestamp', data: column((r) => BigInt(r.timestamp)), type: 'INT64' },
        { name: 'gsr', data: column((r) => r.gsr), type: 'DOUBLE' },
        { name: 'bpm', data: column((r) => r.bpm), type: 'DOUBLE' },
        { name: 'mood', data: column((r) => r.mood), type: 'STRING' },
        { name: 'session', data: column((r) => r.session), type: 'STRING' },
        { name: 'simulated', data: column((r) => r.simulated ?? false), type: 'BOOLEAN' },
      ],
    }),
  );
}
