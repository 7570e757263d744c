import type { DataFrame } from 'danfojs-node';
import { loadDanfojs } from './danfojs.js';
import { columnsOf, type Cell, type Row } from './rows.js';

export type { DataFrame };

/**
 * Rows → danfojs DataFrame. danfojs-node is an optional peer dependency, imported on first use: it
 * loads TensorFlow.js (~1.6 s), which must stay off the CLI, worker and every non-notebook path;
 * when it is not installed the error names the command that installs it. Rows are made rectangular
 * first (missing cells → null) because danfojs takes its columns from the first row and rejects
 * ragged input.
 */
export async function rowsToDataFrame(rows: readonly Row[]): Promise<DataFrame> {
  const dfd = await loadDanfojs();
  const columns = columnsOf(rows);
  if (rows.length === 0) return new dfd.DataFrame([], { columns });
  const rect = rows.map((row) => {
    const out: Record<string, Cell> = {};
    for (const c of columns) out[c] = row[c] ?? null;
    return out;
  });
  return new dfd.DataFrame(rect, { columns });
}

