import { maxMinShare } from '../sim/fair-share.js';

/** A consumer of host CPU: how many cores it wants now, and a callback when its share changes. */
export interface CpuClaim {
  /** Cores wanted (≥ 0). */
  setDemand(cores: number): void;
  /** Cores granted now (≤ demand). */
  readonly share: number;
  release(): void;
}

/**
 * Physical CPU cores shared max-min fairly between the guest's vCPU and domain-0 work (page
 * scanning, mapping, copying and sending during migration or replication). Remus's testbed ran
 * domain 0 and the guest on one hyperthreaded core (C9), which is why replication slows a busy
 * guest; `host.sharedCpu=false` gives domain 0 its own core instead.
 */
export class HostCpu {
  readonly cores: number;
  private claims: Array<{ demand: number; share: number; onChange: (share: number) => void }> = [];
  private readonly shares: number[] = [];
  private readonly caps: number[] = [];

  constructor(cores = 1) {
    if (!(cores > 0)) throw new Error(`bad core count ${cores}`);
    this.cores = cores;
  }

  claim(name: string, demand: number, onChange: (share: number) => void = () => {}): CpuClaim {
    const entry = { demand, share: 0, onChange, name };
    this.claims.push(entry);
    this.recompute();
    const self = this;
    return {
      setDemand(cores: number) {
        if (!(cores >= 0)) throw new Error(`bad CPU demand ${cores} for ${name}`);
        if (cores === entry.demand) return;
        entry.demand = cores;
        self.recompute();
      },
      get share() {
        return entry.share;
      },
      release() {
        const i = self.claims.indexOf(entry);
        if (i >= 0) {
          self.claims.splice(i, 1);
          self.recompute();
        }
      },
    };
  }

  private recompute(): void {
    const claims = this.claims;
    const n = claims.length;
    const caps = this.caps;
    caps.length = n;
    for (let i = 0; i < n; i++) caps[i] = claims[i]!.demand;
    this.shares.length = n;
    maxMinShare(this.cores, caps, this.shares);
    // Every share is updated before any claimant hears of its change.
    let changed: Array<(typeof claims)[number]> | null = null;
    for (let i = 0; i < n; i++) {
      const c = claims[i]!;
      const s = this.shares[i]!;
      if (s !== c.share) {
        c.share = s;
        (changed ??= []).push(c);
      }
    }
    if (changed !== null) for (const c of changed) c.onChange(c.share);
  }
}
