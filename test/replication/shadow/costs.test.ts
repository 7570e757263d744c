import { describe, expect, it } from 'vitest';
import {
  MODERN_SHADOW_COSTS,
  SHADOW_COST_PROFILES,
  XEN_2008_SHADOW_COSTS,
  capturePauseNs,
  digestCpuNs,
  shadowCosts,
} from '../../../lib/replication/shadow/index.js';

describe('shadow costs', () => {
  it('every profile has every cost, finite and ≥ 0', () => {
    for (const p of SHADOW_COST_PROFILES) for (const [k, v] of Object.entries(shadowCosts(p))) expect(Number.isFinite(v) && v >= 0, `${p} ${k}`).toBe(true);
    expect(shadowCosts('clark-2005')).toBe(XEN_2008_SHADOW_COSTS);
    expect(shadowCosts('modern')).toBe(MODERN_SHADOW_COSTS);
  });

  it('carries the published figures it cites', () => {
    expect(XEN_2008_SHADOW_COSTS.pauseNs).toBe(1e6); // event-channel suspend signalling, 1 ms
    expect(XEN_2008_SHADOW_COSTS.vmSaveNs).toBe(128e6); // stock Xen save (LightVM)
    expect(XEN_2008_SHADOW_COSTS.vmCreateNs).toBe(550e6); // stock Xen restore (LightVM)
    expect(XEN_2008_SHADOW_COSTS.suspendResumeNs).toBe(100e3); // Remus's optimised suspend/resume
    expect(MODERN_SHADOW_COSTS.unpauseNs).toBe(5e6); // microVM snapshot resume p90
    expect(MODERN_SHADOW_COSTS.vmCreateNs).toBe(20e6); // LightVM restore
    expect(MODERN_SHADOW_COSTS.vmSaveNs).toBe(30e6); // LightVM save
  });

  it('a capture suspends for suspend/resume plus a copy per page; digests cost per KiB', () => {
    expect(capturePauseNs(XEN_2008_SHADOW_COSTS, 1000)).toBeCloseTo(100e3 + 3.7e6, 6);
    expect(digestCpuNs(XEN_2008_SHADOW_COSTS, 4096)).toBe(20e3);
  });
});
