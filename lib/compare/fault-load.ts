import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BYZANTINE_KINDS, FAULT_CLASSES, type FaultClass } from '../faults/index.js';
import { InputError } from '../params/index.js';
import { canonicalJson } from '../sweep/index.js';

/** The fault kinds a fault-load file names (each protection expresses them in its own `faults.*` keys). */
export const LOAD_FAULT_KINDS = FAULT_CLASSES;
export type LoadFaultKind = FaultClass;

const FaultEntrySchema = z.strictObject({
  kind: z.enum(LOAD_FAULT_KINDS).meta({ description: 'What fails: a host (crash-stop, with its RM and VMs), a VM alone, a replica manager alone, the host-to-host link, or a replica turning Byzantine.' }),
  atS: z.number().min(0).meta({ description: 'When, in seconds of simulated time.' }),
  forS: z.number().positive().optional().meta({ description: 'linkDown only: how long the partition lasts (default: to the end of the run).' }),
  host: z.int().min(0).optional().meta({ description: 'hostCrash, rmCrash: which host, by index (0: the primary, source or first replica host; default 0).' }),
  replica: z.int().min(0).optional().meta({ description: 'vmCrash: which replica, by its host index (default 0).' }),
  byzantineKind: z.enum(BYZANTINE_KINDS).optional().meta({ description: 'byzantine only: what the replica does (required there).' }),
});

const RateSchema = z.strictObject({
  kind: z.enum(LOAD_FAULT_KINDS),
  mttfH: z.number().positive().meta({ description: 'Mean time to failure of one component of this kind (a host, a VM, an RM, the link, a replica), hours.' }),
  repairH: z.number().min(0).meta({ description: 'Hours until a lost service is back after such a fault (repair or manual restart).' }),
});

/** A fault-load file (docs/compare.md): a schedule replayed on every protection, and optional rates. */
export const FaultLoadSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Editor hint; ignored by vmft.' }),
    faults: z.array(FaultEntrySchema).default([]).meta({ description: 'Faults to inject, each at its time, in every protection of the comparison.' }),
    rates: z.array(RateSchema).optional().meta({ description: 'Failure rates per kind, for the expected annual downtime ("nines") and lost or wrong replies per year.' }),
  })
  .meta({ title: 'vmft fault load', description: 'A fault schedule and failure rates for `vmft compare` (docs/compare.md).' });

export type FaultLoad = z.output<typeof FaultLoadSchema>;
export type FaultLoadInput = z.input<typeof FaultLoadSchema>;
export type LoadFault = FaultLoad['faults'][number];
export type FaultRate = NonNullable<FaultLoad['rates']>[number];

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(fault load)' : out;
}

/** Validate a fault load (parsed JSON or an object); bad input names the field (exit 2). */
export function validateFaultLoad(input: unknown, source = 'fault load'): FaultLoad {
  const parsed = FaultLoadSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new InputError(`${source}: ${fieldName(path)}`, issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message, 'see schemas/fault-load.schema.json');
  }
  const load = parsed.data;
  load.faults.forEach((f, i) => {
    const at = (k: string): string => `${source}: faults[${i}].${k}`;
    if (f.forS !== undefined && f.kind !== 'linkDown') throw new InputError(at('forS'), `a ${f.kind} lasts to the end of the run`, 'forS only with kind linkDown');
    if ((f.kind === 'byzantine') !== (f.byzantineKind !== undefined))
      throw new InputError(at('byzantineKind'), f.kind === 'byzantine' ? 'missing' : `not used by a ${f.kind}`, `with kind byzantine: ${BYZANTINE_KINDS.join(' | ')}`);
    if (f.host !== undefined && f.kind !== 'hostCrash' && f.kind !== 'rmCrash') throw new InputError(at('host'), `a ${f.kind} names no host`, 'host only with kind hostCrash or rmCrash');
    if (f.replica !== undefined && f.kind !== 'vmCrash') throw new InputError(at('replica'), `a ${f.kind} names no replica`, 'replica only with kind vmCrash');
  });
  const seen = new Set<string>();
  (load.rates ?? []).forEach((r, i) => {
    if (seen.has(r.kind)) throw new InputError(`${source}: rates[${i}].kind`, `${r.kind} has a rate already`, 'one rate per kind');
    seen.add(r.kind);
  });
  return load;
}

/** Read and validate a fault-load file (JSON). */
export function loadFaultLoad(file: string): FaultLoad {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot read the fault load (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'a readable JSON file');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`, 'a JSON object as in docs/compare.md');
  }
  return validateFaultLoad(value, file);
}

/** The load's canonical JSON (editor hints left out): the same faults give the same text. */
export function canonicalFaultLoad(load: FaultLoad): string {
  const { $schema: _s, ...rest } = load;
  return canonicalJson(rest);
}

/** The published JSON Schema (schemas/fault-load.schema.json) for editors. */
export function faultLoadJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FaultLoadSchema, { io: 'input' }) as Record<string, unknown>;
}
