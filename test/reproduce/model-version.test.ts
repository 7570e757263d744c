import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportModelVersion } from '../../lib/reproduce/index.js';
import { MODEL_VERSION } from '../../lib/version.js';
import { ROOT } from '../sweep/helpers.js';

const committed = join(ROOT, 'results', 'REPORT.md');

describe('the committed reproduction report', () => {
  // Skipped, with this message, only until results/REPORT.md is committed.
  const exists = existsSync(committed);
  const title = exists ? 'names the current MODEL_VERSION' : 'names the current MODEL_VERSION — skipped: results/REPORT.md does not exist yet';
  it.skipIf(!exists)(title, () => {
    const named = reportModelVersion(readFileSync(committed, 'utf8'));
    expect(named, 'results/REPORT.md names no model version').toBeDefined();
    expect(
      named,
      `results/REPORT.md was produced by model version ${named}, but the model is now ${MODEL_VERSION}: rerun \`npx vmft reproduce\` and commit results/`,
    ).toBe(MODEL_VERSION);
  });
});
