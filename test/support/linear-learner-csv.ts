// Reads a Linear Learner text/csv channel back the way the algorithm does: no header, every line
// `label,feature...`, all numbers. Strict, so a header or a text mood in the file fails the test.
export interface Channel {
  x: number[][];
  y: number[];
}

export function readChannel(text: string, featureDim: number): Channel {
  if (!text.endsWith('\n')) throw new Error('a channel ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  const out: Channel = { x: [], y: [] };
  lines.forEach((line, i) => {
    const cells = line.split(',');
    if (cells.length !== featureDim + 1) throw new Error(`line ${i + 1} has ${cells.length} columns: ${line}`);
    const values = cells.map((c) => (/^-?\d+(\.\d+)?(e-?\d+)?$/.test(c) ? Number(c) : NaN));
    if (values.some(Number.isNaN)) throw new Error(`line ${i + 1} is not all numbers: ${line}`);
    if (!Number.isInteger(values[0])) throw new Error(`line ${i + 1} has a label that is not a class index: ${line}`);
    out.y.push(values[0]);
    out.x.push(values.slice(1));
  });
  return out;
}

/** Rows as sortable strings, to compare two channels as multisets (a channel is shuffled). */
export function rowKeys(channel: Channel): string[] {
  return channel.y.map((label, i) => JSON.stringify([label, ...channel.x[i]])).sort();
}
