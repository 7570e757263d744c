import { InputError } from '../../params/index.js';
import type { Experiment } from '../types.js';
import { clarkApache, clarkMmuncher, clarkQuake3, clarkSpecCint, wwsSynthetic } from './clark.js';
import { remusCheckpointCost, remusCompression, remusFailover, remusKernelCompile, remusPostmark, remusSuspend } from './remus.js';
import { remusSpecweb, specwebLatency } from './specweb.js';
import { testbed } from './testbed.js';
import { protectionsKvstore } from './protections.js';


/*
 * Adding or changing an experiment: each is a plain object (see types.ts) — the sweep it runs, the
 * quick variant, the metrics shown, and for a calibration row its checks with the published values
 * of docs/design.md#calibration and a documented tolerance. When a row is outside its tolerance for a reason the
 * engine's owner understands, write it into the experiment's `explanation`: the report prints it
 * with the flag instead of the default text.
 */

/** Every experiment of the reproduction, in report order: calibration rows C1–C10, then the rest. */
export const EXPERIMENTS: readonly Experiment[] = [
  clarkQuake3, // C1
  clarkMmuncher, // C2
  remusCheckpointCost, // C3
  remusKernelCompile, // C4
  specwebLatency, // C5
  remusCompression, // C6
  remusSuspend, // C7
  clarkSpecCint, // C8
  testbed, // C9
  remusSpecweb, // C10
  clarkApache,
  remusPostmark,
  remusFailover,
  wwsSynthetic,
  protectionsKvstore,
];

/** Pick experiments by id (`--only`); an unknown id is bad input naming the allowed ones. */
export function selectExperiments(ids: readonly string[], from: readonly Experiment[] = EXPERIMENTS): Experiment[] {
  for (const id of ids)
    if (!from.some((e) => e.id === id)) throw new InputError('--only', `unknown experiment ${JSON.stringify(id)}`, from.map((e) => e.id).join(' | '));
  return from.filter((e) => ids.includes(e.id));
}
