import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../params/index.js';
import { ENGINES, PLANNED_ENGINES } from '../scenario/result.js';
import { canonicalJson, sha256Hex } from './canonical.js';

/** Seeds are unsigned 32-bit integers: the range every seeded stream accepts. */
export const MAX_SEED = 0xffffffff;
/** Points a sweep may expand to (each is a row in memory and in its store). */
export const MAX_SWEEP_POINTS = 1_000_000;
/** Node's timers hold at most 2^31 − 1 ms: a longer per-point limit would fire at once. */
export const MAX_TIME_LIMIT_S = Math.floor((2 ** 31 - 1) / 1000);

const paramValue = z
  .union([z.number(), z.boolean(), z.string()])
  .meta({ description: 'A parameter value: number, boolean or string (as for `vmft run --set`).' });

/** The sweep spec schema (docs/design.md#sweep-specs-and-stores). Strict: an unknown field is an error, not ignored. */
export const SweepSpecSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Editor hint; ignored by vmft.' }),
    name: z.string().min(1).optional().meta({ description: 'A name for the sweep (shown in progress and manifests).' }),
    engine: z
      .enum(ENGINES)
      .optional()
      .meta({ description: 'The protection engine every point runs; leave it out when `grid.engine` lists several.' }),
    workload: z.string().min(1).meta({ description: 'The workload preset every point runs (see `vmft list workloads`).' }),
    params: z
      .record(z.string().min(1), paramValue)
      .default({})
      .meta({ description: 'Fixed parameters (dotted keys, see `vmft list params`) shared by every point.' }),
    grid: z
      .record(z.string().min(1), z.array(paramValue).min(1))
      .default({})
      .meta({
        description:
          'Parameters to vary: each key lists its values; the points are the cartesian product. `engine` may be a dimension: then an engine-namespaced key (`remus.*`, `active.*`, …) applies only to the points of its engine.',
      }),
    engineParams: z
      .partialRecord(z.enum(ENGINES), z.record(z.string().min(1), paramValue))
      .default({})
      .meta({ description: 'Fixed parameters for the points of one engine only (engine name → dotted keys → values), e.g. the fault keys that express one fault on each engine.' }),
    replicates: z
      .int()
      .min(1)
      .default(1)
      .meta({ description: 'Runs per grid combination, each with its own seed.' }),
    seed: z
      .int()
      .min(0)
      .max(MAX_SEED)
      .default(1)
      .meta({ description: 'Base seed; each point derives its seed from it and the point id.' }),
    timeLimitS: z
      .number()
      .positive()
      .max(MAX_TIME_LIMIT_S)
      .optional()
      .meta({ description: 'Per-point wall-clock limit in seconds; a point over it is cancelled and recorded as `timeout`.' }),
  })
  .meta({ title: 'vmft sweep spec', description: 'A parameter study run by `vmft sweep` or `sweep()` (docs/design.md#sweeps).' });

/** A spec as written (optional fields may be missing). */
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;
/** A validated spec with its defaults filled in. */
export type SweepSpec = z.output<typeof SweepSpecSchema>;

const TOP_LEVEL = Object.keys(SweepSpecSchema.shape);

/** What each field allows, for error messages (kept beside the schema so they agree). */
function allowedFor(path: readonly PropertyKey[]): string {
  const [top] = path;
  switch (top) {
    case 'engine':
      return ENGINES.join(' | ');
    case 'engineParams':
      if (path.length > 2) return 'a number, boolean or string';
      return path.length > 1 ? `an engine name (${ENGINES.join(' | ')}) → an object of dotted keys → values` : 'an object of engine names → fixed parameters';
    case 'workload':
      return 'a workload name (see `vmft list workloads`)';
    case 'name':
    case '$schema':
      return 'a non-empty string';
    case 'params':
      return path.length > 1 ? 'a number, boolean or string' : 'an object of dotted keys → values';
    case 'grid':
      if (path.length > 2) return 'a number, boolean or string';
      return path.length > 1 ? 'a non-empty list of distinct numbers, booleans or strings' : 'an object of dotted keys → lists';
    case 'replicates':
      return `an integer ≥ 1 (grid combinations × replicates ≤ ${MAX_SWEEP_POINTS.toLocaleString('en-US')})`;
    case 'seed':
      return `an integer 0 … ${MAX_SEED}`;
    case 'timeLimitS':
      return `a number of seconds > 0 and ≤ ${MAX_TIME_LIMIT_S} (Node's timer range)`;
    default:
      return `an object with the fields ${TOP_LEVEL.join(', ')}`;
  }
}

/** `grid.remus.epochMs[2]`: dotted keys read the way users write them. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(spec)' : out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const s = JSON.stringify(value);
  return `got ${s === undefined ? String(value) : s.length > 60 ? s.slice(0, 57) + '…' : s}`;
}

export interface SpecIssue {
  readonly field: string;
  readonly problem: string;
  readonly allowed: string;
}

/**
 * A spec with one or more bad fields. It is an InputError (exit 2); its message lists every issue,
 * one per line, each with the field and what is allowed.
 */
export class SpecError extends InputError {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], source?: string) {
    const first = issues[0]!;
    super(first.field, first.problem, first.allowed);
    this.issues = issues;
    const where = source === undefined ? 'bad sweep spec' : `bad sweep spec ${source}`;
    this.message =
      `${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was run):\n` +
      issues.map((i) => `  ${i.field}: ${i.problem} (allowed: ${i.allowed})`).join('\n');
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function zodIssues(input: unknown, issues: readonly z.core.$ZodIssue[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({ field: fieldName(path), problem: 'unknown field', allowed: allowedFor(issue.path.length ? issue.path : []) });
      }
      continue;
    }
    const path = issue.path;
    const value = valueAt(input, path);
    let problem: string;
    if (issue.code === 'too_small' && Array.isArray(value)) problem = 'empty list';
    else if (value === undefined) problem = 'missing';
    else if (path[0] === 'engine' && (PLANNED_ENGINES as readonly string[]).includes(String(value)))
      problem = `engine ${JSON.stringify(value)} is not available yet`;
    else problem = `bad value, ${describe(value)}`;
    out.push({ field: fieldName(path), problem, allowed: allowedFor(path) });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Checks zod cannot express: overlaps and duplicates that would make two points the same. Runs on
 * the raw input, guarded, so these are reported alongside the schema's own issues.
 */
function semanticIssues(input: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  if (!isRecord(input)) return out;
  // Points: combinations × replicates, bounded (a billion replicates would fill memory first).
  const replicates = typeof input.replicates === 'number' && input.replicates >= 1 ? input.replicates : 1;
  const combos = isRecord(input.grid) ? Object.values(input.grid).reduce<number>((n, vs) => n * (Array.isArray(vs) ? Math.max(1, vs.length) : 1), 1) : 1;
  if (combos * replicates > MAX_SWEEP_POINTS)
    out.push({
      field: replicates > 1 ? 'replicates' : 'grid',
      problem: `${combos.toLocaleString('en-US')} combination${combos === 1 ? '' : 's'} × ${replicates.toLocaleString('en-US')} replicate${replicates === 1 ? '' : 's'} is over the limit of ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points (each point is a row in memory and in the store)`,
      allowed: `grid combinations × replicates ≤ ${MAX_SWEEP_POINTS.toLocaleString('en-US')}`,
    });
  // The engine: one for every point, or a grid dimension — exactly one of them.
  const gridEngine = isRecord(input.grid) && 'engine' in input.grid;
  if (gridEngine && input.engine !== undefined)
    out.push({ field: 'grid.engine', problem: 'also set as engine (the engine is either fixed or varied)', allowed: 'engine or grid.engine, not both' });
  if (!gridEngine && input.engine === undefined && isRecord(input))
    out.push({ field: 'engine', problem: 'missing', allowed: `${ENGINES.join(' | ')}, or a list in grid.engine` });
  if (gridEngine && isRecord(input.grid) && Array.isArray(input.grid.engine))
    input.grid.engine.forEach((e, i) => {
      if (typeof e !== 'string' || !(ENGINES as readonly string[]).includes(e))
        out.push({
          field: `grid.engine[${i}]`,
          problem: typeof e === 'string' && (PLANNED_ENGINES as readonly string[]).includes(e) ? `engine ${JSON.stringify(e)} is not available yet` : `bad value, ${describe(e)}`,
          allowed: ENGINES.join(' | '),
        });
    });
  if (isRecord(input.params) && 'engine' in input.params)
    out.push({ field: 'params.engine', problem: 'the engine is not a parameter', allowed: 'engine, or a list in grid.engine' });
  if (!isRecord(input.grid)) return out;
  const params = isRecord(input.params) ? input.params : {};
  for (const [key, values] of Object.entries(input.grid)) {
    if (key in params)
      out.push({
        field: `grid.${key}`,
        problem: 'also set in params (a key is either fixed or varied)',
        allowed: 'a key in params or in grid, not both',
      });
    if (!Array.isArray(values)) continue;
    const seen = new Set<string>();
    values.forEach((v, i) => {
      const k = JSON.stringify(v);
      if (seen.has(k)) out.push({ field: `grid.${key}[${i}]`, problem: `duplicate value ${k}`, allowed: allowedFor(['grid', key]) });
      seen.add(k);
    });
  }
  return out;
}

/**
 * Validate a spec (a parsed JSON value or a TypeScript object) and fill its defaults. Throws a
 * SpecError naming every bad field; nothing else is checked here (parameter names and ranges are
 * the runner's to check, see `sweep`'s preflight).
 */
export function validateSpec(input: unknown, source?: string): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(input);
  const issues = [...(parsed.success ? [] : zodIssues(input, parsed.error.issues)), ...semanticIssues(input)];
  if (issues.length > 0) throw new SpecError(issues, source);
  return parsed.data!;
}

/** Read and validate a spec file (JSON). */
export function loadSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read the sweep spec (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'a readable JSON file');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`, 'a JSON object as in docs/sweeps.md');
  }
  return validateSpec(value, file);
}

/** The spec without editor hints: what the hash and the manifest hold. */
export function normalizeSpec(spec: SweepSpec): SweepSpec {
  const { $schema: _ignored, ...rest } = spec;
  return rest;
}

/** Identifies a spec: two stores of the same hash hold rows of the same points. */
export function specHash(spec: SweepSpec): string {
  return sha256Hex(canonicalJson(normalizeSpec(spec)));
}

/** The published JSON Schema (schemas/sweep-spec.schema.json) for editors. */
export function sweepSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SweepSpecSchema, { io: 'input' }) as Record<string, unknown>;
}
