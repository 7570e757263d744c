import type { CompareResult, CompareRow } from './compare.js';

const num = (v: number | null, digits = 3): string => (v === null ? '—' : Number(v.toPrecision(digits)).toString());

/** The columns of the comparison, each with how to print it. */
const COLUMNS: ReadonlyArray<readonly [string, (r: CompareRow) => string]> = [
  ['protection', (r) => r.protection],
  ['hosts', (r) => num(r.hostsReserved)],
  ['VMs', (r) => num(r.vmsReserved)],
  ['CPU s', (r) => num(r.cpuSeconds)],
  ['mem GiB·s', (r) => num(r.memoryGiBSeconds)],
  ['net MiB', (r) => num(r.networkMiB)],
  ['ops/s', (r) => num(r.throughputOpsPerS)],
  ['p50 ms', (r) => num(r.latencyMsP50)],
  ['p99 ms', (r) => num(r.latencyMsP99)],
  ['worst outage ms', (r) => num(r.clientOutageMs)],
  ['service lost', (r) => (r.serviceLost ? 'yes' : 'no')],
  ['wrong replies', (r) => num(r.wrongReplies)],
  ['outcome', (r) => r.outcome],
  ['declared', (r) => r.declared],
];

const DEPENDABILITY: ReadonlyArray<readonly [string, (r: CompareRow) => string]> = [
  ['protection', (r) => r.protection],
  ['downtime s/year', (r) => (r.dependability === undefined ? '—' : num(r.dependability.downtimeSPerYear))],
  ['nines', (r) => (r.dependability === undefined ? '—' : r.dependability.nines === null ? '∞ (no outage measured)' : r.dependability.nines.toFixed(2))],
  ['wrong replies/year', (r) => (r.dependability === undefined ? '—' : num(r.dependability.wrongRepliesPerYear))],
  ['lost replies/year', (r) => (r.dependability === undefined ? '—' : num(r.dependability.lostRepliesPerYear))],
];

function textTable(cols: typeof COLUMNS, rows: readonly CompareRow[]): string {
  const cells = rows.map((r) => cols.map(([, f]) => f(r)));
  const widths = cols.map(([h], i) => cells.reduce((w, c) => Math.max(w, c[i]!.length), h.length));
  const line = (cs: readonly string[]): string => cs.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols.map(([h]) => h)), ...cells.map(line)].join('\n') + '\n';
}

function mdTable(cols: typeof COLUMNS, rows: readonly CompareRow[]): string {
  const line = (cs: readonly string[]): string => `| ${cs.join(' | ')} |`;
  return [line(cols.map(([h]) => h)), line(cols.map(() => '---')), ...rows.map((r) => line(cols.map(([, f]) => f(r))))].join('\n') + '\n';
}

function notApplicableLines(result: CompareResult): string[] {
  const out: string[] = [];
  for (const r of result.rows)
    for (const n of r.notApplicable) out.push(`${r.protection}: fault ${n.index} (${n.kind}) not applicable — ${n.reason}`);
  return out;
}

function faultLine(result: CompareResult): string {
  return result.faults.faults.length === 0
    ? 'no faults'
    : result.faults.faults.map((f) => `${f.kind} at ${f.atS} s${f.host !== undefined ? ` on host ${f.host}` : ''}${f.replica !== undefined ? ` of replica ${f.replica}` : ''}${f.byzantineKind !== undefined ? ` (${f.byzantineKind})` : ''}`).join(', ');
}

/** The comparison as a terminal table. */
export function compareText(result: CompareResult): string {
  let text = `${result.workload}, ${faultLine(result)}\n` + textTable(COLUMNS, result.rows);
  const na = notApplicableLines(result);
  if (na.length > 0) text += na.join('\n') + '\n';
  if (result.rows.some((r) => r.dependability !== undefined)) text += '\n' + textTable(DEPENDABILITY, result.rows);
  return text;
}

/** The comparison as compare.md. */
export function compareMarkdown(result: CompareResult): string {
  let md = `# ${result.workload} under every protection\n\nFaults: ${faultLine(result)}. Means over ${result.specs.load.replicates} replicate${result.specs.load.replicates === 1 ? '' : 's'} per protection; raw runs in \`load/\`.\n\n`;
  md += mdTable(COLUMNS, result.rows);
  md += '\n*outcome*: what the fault load did in these runs (survived, lost output, wrong reply, down, or not applicable when the protection cannot express one of its faults); *declared*: whether the engine says it tolerates every fault kind of the load.\n';
  const na = notApplicableLines(result);
  if (na.length > 0) md += '\n' + na.map((l) => `- ${l}`).join('\n') + '\n';
  if (result.rows.some((r) => r.dependability !== undefined)) {
    md += '\n## Dependability\n\nFrom each rated fault kind run alone (`rate-<kind>/`) and the rates of the fault load (docs/compare.md):\n\n';
    md += mdTable(DEPENDABILITY, result.rows);
  }
  return md;
}
