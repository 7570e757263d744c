// Reading a StrykerJS JSON report, for the scripts that combine and select from them.
import { readFileSync } from 'node:fs';

/** The report at `path`; an unreadable one ends the process with exit 2, the path named. */
export function readReport(path, script) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    console.error(`${script}: cannot read the report ${path}: ${e.message}`);
    process.exit(2);
  }
}
