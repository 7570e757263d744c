import type { EngineDef } from '../engines/engine.js';
import { unprotectedEngine } from '../engines/unprotected/index.js';
import { remusEngine } from '../engines/remus/index.js';
import { migrationEngine } from '../engines/migration/index.js';
import { activeEngine } from '../engines/active/index.js';
import { spareEngine } from '../engines/spare/index.js';
import { InputError } from '../params/index.js';
import { ENGINES, PLANNED_ENGINES } from './result.js';

/** The engines a run can use, by contract name. */
export const ENGINE_DEFS: readonly EngineDef[] = [unprotectedEngine, migrationEngine, remusEngine, activeEngine, spareEngine];

export function getEngine(name: string): EngineDef {
  if ((PLANNED_ENGINES as readonly string[]).includes(name))
    throw new InputError('engine', `${name} is not available yet (planned, not implemented)`, ENGINE_DEFS.map((e) => e.name).join(' | '));
  const e = ENGINE_DEFS.find((d) => d.name === name);
  if (e === undefined) throw new InputError('engine', `unknown engine ${JSON.stringify(name)}`, ENGINE_DEFS.map((d) => d.name).join(' | '));
  if (!(ENGINES as readonly string[]).includes(name)) throw new Error(`engine ${name} is not in the contract`);
  return e;
}
