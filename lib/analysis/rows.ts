/** A cell of a flat result row (one line of `runs.jsonl`, or one summary row). */
export type Cell = number | string | boolean | null;

/** A flat row: column name → cell. Rows of one table may lack columns (e.g. error runs). */
export type Row = Readonly<Record<string, Cell | undefined>>;

/** Column names over all rows, in order of first appearance. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}
