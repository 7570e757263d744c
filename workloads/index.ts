import { InputError } from '../lib/params/index.js';
import { idle } from './presets/idle.js';
import { synthetic } from './presets/synthetic.js';
import { specCint } from './presets/spec-cint.js';
import { apacheStatic } from './presets/apache-static.js';
import { quake3 } from './presets/quake3.js';
import { mmuncher } from './presets/mmuncher.js';
import { trace } from './presets/trace.js';
import { kernelCompile } from './presets/kernel-compile.js';
import { postmark } from './presets/postmark.js';
import { kvstore } from './presets/kvstore.js';
import { specweb2005 } from './presets/specweb2005.js';
import type { WorkloadPreset } from './workload.js';

export { type WorkloadPreset, type GuestInstance, type GuestEnv, type ClientPopulation, type ClientEnv } from './workload.js';
export { WritePattern, LOCALITIES, type Locality } from './write-pattern.js';
export { defineWorkload, THROUGHPUT_METRICS, type WorkloadDefinition, type GuestDefinition, type ClientDefinition } from './define-workload.js';
export { synthetic } from './presets/synthetic.js';

/** Every named preset, in the order of docs/design.md#workloads. */
export const WORKLOADS: readonly WorkloadPreset[] = [idle, synthetic, kernelCompile, specweb2005, apacheStatic, quake3, mmuncher, specCint, postmark, kvstore, trace];

export function workloadNames(): string[] {
  return WORKLOADS.map((w) => w.name);
}

export function getWorkload(name: string): WorkloadPreset {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined) throw new InputError('workload', `unknown workload ${JSON.stringify(name)}`, workloadNames().join(' | '));
  return w;
}
