import { readFileSync } from 'node:fs';
import { InputError, booleanParam, stringParam } from '../../lib/params/index.js';
import { Signal, type Timer } from '../../lib/sim/index.js';
import type { VM } from '../../lib/vm/index.js';
import { vmPages } from '../workload.js';
import { type GuestDefinition, defineWorkload } from '../define-workload.js';

const NS_PER_S = 1e9;
const FIELD = 'workload.traceFile';

/**
 * A dirty-page trace: at `timesNs[i]` (guest time) the pages `pages[offsets[i] .. offsets[i+1])`
 * are written. Flat typed arrays: a trace of millions of writes stays a few arrays.
 */
export interface DirtyTrace {
  readonly timesNs: Float64Array;
  readonly offsets: Int32Array;
  readonly pages: Int32Array;
  /** The largest page written (−1 for an empty trace). */
  readonly maxPage: number;
  /** The last event's time (the trace's length). */
  readonly lengthNs: number;
}

class TraceBuilder {
  private times: number[] = [];
  private offsets: number[] = [0];
  private pages: number[] = [];
  private maxPage = -1;
  private last = 0;

  constructor(private readonly source: string) {}

  add(timeS: unknown, pages: readonly unknown[], line: number): void {
    const bad = (problem: string): never => {
      throw new InputError(FIELD, `${this.source} line ${line}: ${problem}`, 'CSV lines "timeS,page[,page…]" or JSON [{"timeS": t, "pages": [p, …]}, …]');
    };
    if (typeof timeS !== 'number' || !Number.isFinite(timeS) || timeS < 0) bad(`time ${JSON.stringify(timeS)} is not a non-negative number of seconds`);
    const t = timeS as number;
    if (t < this.last) bad(`time ${t} s goes backwards (previous ${this.last} s)`);
    if (pages.length === 0) bad('no page numbers');
    for (const p of pages) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= 2 ** 31) bad(`page ${JSON.stringify(p)} is not a page number (an integer ≥ 0)`);
      this.pages.push(p as number);
      if ((p as number) > this.maxPage) this.maxPage = p as number;
    }
    this.last = t;
    this.times.push(Math.round(t * NS_PER_S));
    this.offsets.push(this.pages.length);
  }

  build(): DirtyTrace {
    if (this.times.length === 0) throw new InputError(FIELD, `${this.source}: the trace has no entries`, 'at least one "timeS,page" line');
    return {
      timesNs: Float64Array.from(this.times),
      offsets: Int32Array.from(this.offsets),
      pages: Int32Array.from(this.pages),
      maxPage: this.maxPage,
      lengthNs: this.times[this.times.length - 1]!,
    };
  }
}

/** A CSV field as a number, or the field itself when it is not one (so the error can show it). */
function num(field: string): unknown {
  const s = field.trim();
  return s !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
}

/**
 * CSV: one write event per line, `timeS,page` or `timeS,page,page,…` (s of guest time, page
 * indices of `vm.pageKiB` pages). Blank lines and `#` comments are skipped; a first line whose
 * time field is not a number is a header. Times must not decrease.
 */
export function parseTraceCsv(text: string, source = 'trace'): DirtyTrace {
  const b = new TraceBuilder(source);
  const lines = text.split(/\r?\n/);
  let seenData = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',');
    const t = num(fields[0]!);
    if (!seenData && typeof t !== 'number') {
      seenData = true; // a header such as "timeS,page"
      continue;
    }
    seenData = true;
    b.add(t, fields.slice(1).map(num), i + 1);
  }
  return b.build();
}

/** 1-based line of character offset `pos` in `text`. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Start offsets of the elements of the top-level JSON array in `text` (a small scanner). */
function topLevelElementStarts(text: string, arrayStart: number): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = arrayStart; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (depth === 1 && expectElement && c !== ']') {
      starts.push(i);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectElement = true;
  }
  return starts;
}

/**
 * JSON: `[{"timeS": 0.5, "pages": [1, 2]}, …]` (or `"page": 3`), or `{"events": [ … ]}`. A syntax
 * error names the line of the offending character; a bad entry names the line it starts on.
 */
export function parseTraceJson(text: string, source = 'trace'): DirtyTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const lm = /line (\d+)/.exec(msg);
    const line = lm !== null ? Number(lm[1]) : m !== null ? lineAt(text, Number(m[1])) : lineAt(text, text.length);
    throw new InputError(FIELD, `${source} line ${line}: malformed JSON (${msg})`, 'JSON [{"timeS": t, "pages": [p, …]}, …]');
  }
  const events = Array.isArray(doc) ? doc : doc !== null && typeof doc === 'object' ? (doc as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) throw new InputError(FIELD, `${source} line 1: expected an array of events or {"events": [...]}`, 'JSON [{"timeS": t, "pages": [p, …]}, …]');
  const arrayStart = Array.isArray(doc) ? text.indexOf('[') : text.indexOf('[', text.indexOf('"events"'));
  const starts = topLevelElementStarts(text, arrayStart);
  const b = new TraceBuilder(source);
  events.forEach((ev, k) => {
    const line = starts[k] !== undefined ? lineAt(text, starts[k]!) : 1;
    if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) {
      throw new InputError(FIELD, `${source} line ${line}: event ${k} is not an object`, '{"timeS": t, "pages": [p, …]}');
    }
    const e = ev as { timeS?: unknown; pages?: unknown; page?: unknown };
    const pages = Array.isArray(e.pages) ? e.pages : e.page !== undefined ? [e.page] : [];
    b.add(e.timeS, pages, line);
  });
  return b.build();
}

/** Read and parse a trace file: JSON when it ends in .json or starts with `[`/`{`, else CSV. */
export function loadTrace(path: string): DirtyTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(FIELD, `cannot read ${JSON.stringify(path)}: ${e instanceof Error ? e.message : String(e)}`, 'a readable CSV or JSON file');
  }
  const head = text.trimStart()[0];
  return path.toLowerCase().endsWith('.json') || head === '[' || head === '{' ? parseTraceJson(text, path) : parseTraceCsv(text, path);
}

/** The smallest `vm.memoryMiB` that holds every page of the trace (what `vm.memoryMiB` should be set to). */
export function traceMemoryMiB(trace: DirtyTrace, pageKiB = 4): number {
  return Math.max(1, Math.ceil(((trace.maxPage + 1) * pageKiB) / 1024));
}

/**
 * Replays a user-supplied dirty-page trace (`workload.traceFile`, CSV or JSON): each event's pages
 * are written when the guest reaches its time (guest time: a paused or slowed guest replays later).
 * The run ends when the trace does — fixed work, `completionTimeS` = the trace's length when
 * unprotected. Unless `vm.memoryMiB` is set, the VM is sized to hold the trace's largest page; a
 * `vm.memoryMiB` set smaller is bad input naming the size needed.
 */
export const trace = defineWorkload({
  name: 'trace',
  from: '—',
  description: 'replays a user-supplied dirty-page trace (CSV/JSON of time → pages)',
  params: [
    stringParam(FIELD, undefined, 'the trace: CSV lines "timeS,page[,page…]" or JSON [{"timeS": t, "pages": [p, …]}, …] (required)'),
    booleanParam('workload.cpuBound', false, 'the vCPU always wants a whole core while replaying (else it mostly waits)'),
  ],
  defaults: { 'vm.memoryMiB': 512, 'run.durationS': 86_400 },
  // The VM is sized from the trace: just large enough for its largest page (unless set).
  derivedDefaults(input): Record<string, number> {
    const path = input[FIELD];
    if (typeof path !== 'string' || path === '') return {};
    const pageKiB = Number(input['vm.pageKiB'] ?? 4);
    return { 'vm.memoryMiB': traceMemoryMiB(loadTrace(path), Number.isFinite(pageKiB) && pageKiB > 0 ? pageKiB : 4) };
  },
  fixedWork: true,
  guest(env): GuestDefinition<{ readonly next: number }> {
    const p = env.params;
    const path = p.optStr(FIELD);
    if (path === undefined || path === '') throw new InputError(FIELD, 'the trace workload needs a trace file', '--set workload.traceFile=PATH');
    const tr = loadTrace(path);
    const pageKiB = p.num('vm.pageKiB');
    const memPages = vmPages(p);
    if (tr.maxPage >= memPages)
      throw new InputError('vm.memoryMiB', `the trace writes page ${tr.maxPage}, beyond a ${p.num('vm.memoryMiB')} MiB VM`, `≥ ${traceMemoryMiB(tr, pageKiB)}`);
    const done = new Signal<void>('trace done');
    let next = 0; // the next event to replay
    let vm: VM | null = null;
    let timer: Timer | null = null;
    let writes = 0;

    const replayUpTo = (g: number): void => {
      const { timesNs, offsets, pages } = tr;
      while (next < timesNs.length && timesNs[next]! <= g) {
        const a = offsets[next]!;
        const b = offsets[next + 1]!;
        vm!.memory.writeMany(pages.subarray(a, b), b - a);
        writes += b - a;
        next++;
      }
    };
    // The run ends when guest time reaches the trace's end: check when it should have, re-arm if
    // the guest was slowed or paused meanwhile.
    const arm = (): void => {
      timer = null;
      if (done.triggered || vm === null) return;
      const progress = vm.vcpu.progress; // syncs: replays up to now
      replayUpTo(progress); // events at guest time 0 (no span has passed yet)
      if (progress >= tr.lengthNs && next >= tr.timesNs.length) {
        done.trigger();
        return;
      }
      const rate = vm.vcpu.rate;
      const wait = rate > 0 ? Math.max(1, Math.ceil((tr.lengthNs - progress) / rate)) : 1e6;
      timer = env.sim.schedule(wait, arm);
    };

    return {
      cpuBound: p.bool('workload.cpuBound'),
      done,
      start(v) {
        vm = v;
        // First check as an event, so that measurement attached at t = 0 sees the writes at 0.
        timer = env.sim.schedule(0, arm);
      },
      advance(_from, to) {
        if (vm !== null) replayUpTo(to);
      },
      snapshot: () => ({ next }),
      restore(s) {
        next = s.next;
        if (timer === null && vm !== null && !done.triggered) arm();
      },
      metrics: () => ({ tracePageWrites: writes }),
    };
  },
});
