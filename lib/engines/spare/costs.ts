import { shadowCosts, type ShadowCostProfile, type ShadowCosts } from '../../replication/shadow/index.js';
import type { EngineContext } from '../engine.js';
import { hostCosts } from '../host-profiles.js';

/** The SPARE shadow costs a run's hosts charge: the profile's, with the host-profile keys applied. */
export function spareCosts(ctx: Pick<EngineContext, 'params'>): ShadowCosts {
  const p = ctx.params;
  const profile = (p.optStr('host.profile') ?? 'remus-2008') as ShadowCostProfile;
  const hc = hostCosts(p, 'remus-2008');
  return { ...shadowCosts(profile), pauseNs: hc.pauseNs, unpauseNs: hc.unpauseNs, applyNsPerPage: hc.applyNsPerPage, vmCreateNs: hc.vmCreateNs };
}
