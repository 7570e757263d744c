import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rowsToDataFrame, type DataFrame } from './dataframe.js';
import type { Cell, Row } from './rows.js';

/** Where a store keeps its runs (docs/design.md#sweep-specs-and-stores): `<store>/runs.jsonl`. A `.jsonl` path is used as is. */
export function runsPath(storeDirOrFile: string): string {
  if (storeDirOrFile.endsWith('.jsonl')) return storeDirOrFile;
  return statSync(storeDirOrFile).isDirectory() ? join(storeDirOrFile, 'runs.jsonl') : storeDirOrFile;
}

/**
 * Parse `runs.jsonl` text into flat rows. A last line that does not parse is a write torn by a crash
 * (the sweep reruns that point on resume) and is skipped; a bad line anywhere else is corruption and
 * throws with its line number. Rows sharing an `id` (a point rerun after a torn-but-parseable line)
 * keep the last one, in the position of the first.
 */
export function parseRuns(text: string, source = 'runs.jsonl'): Row[] {
  const lines = text.split('\n');
  const byId = new Map<string, number>();
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (isLastContentLine(lines, i)) break;
      throw new Error(`${source}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${source}:${i + 1}: expected a JSON object per line`);
    }
    const row = value as Record<string, Cell>;
    const id = typeof row.id === 'string' ? row.id : undefined;
    const at = id === undefined ? undefined : byId.get(id);
    if (at === undefined) {
      if (id !== undefined) byId.set(id, rows.length);
      rows.push(row);
    } else {
      rows[at] = row;
    }
  }
  return rows;
}

function isLastContentLine(lines: readonly string[], i: number): boolean {
  for (let j = i + 1; j < lines.length; j++) if (lines[j]!.trim() !== '') return false;
  return true;
}

/** The runs of a store as plain rows (no danfojs): the input for `summarizeBy` and figures. */
export function readRuns(storeDir: string): Row[] {
  const path = runsPath(storeDir);
  return parseRuns(readFileSync(path, 'utf8'), path);
}

/** The runs of a store as a danfojs DataFrame: one row per run, parameters + metrics + `inv.*`. */
export async function loadRuns(storeDir: string): Promise<DataFrame> {
  return rowsToDataFrame(readRuns(storeDir));
}
