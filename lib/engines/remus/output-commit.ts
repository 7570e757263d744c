import type { Packet } from '../../vm/index.js';
import { OutputBuffer } from './output-buffer.js';
import type { Primary } from './primary.js';

/**
 * `outputCommitted` (Remus §2.3, output commit): no packet leaves a protected primary for its
 * clients before the checkpoint of the epoch that produced it has been committed by the backup.
 * Checked on every packet from its provenance (the epoch the NIC stamped at send) against the
 * backup replica's committed epoch, independently of the output buffer's own bookkeeping, so a
 * buffer that lets output out early is caught in every run, not only in one that fails over.
 * Packets a primary lets out after it lost its backup (unprotected) are outside the guarantee.
 */
export class OutputCommitCheck {
  private _early = 0;
  private _checked = 0;

  /** Watch what `p` lets out; a primary without an output buffer (disk-only) gets a pass-through one. */
  watch(p: Primary): void {
    const out = p.output ?? new OutputBuffer(p.vm.nic, { holding: false });
    out.onRelease((pkt) => this.observe(p, pkt));
  }

  private observe(p: Primary, pkt: Packet): void {
    if (p.state !== 'protected') return;
    this._checked++;
    if (pkt.epoch > p.replica.committedEpoch) this._early++;
  }

  /** Packets that reached the network before their epoch's checkpoint was committed. */
  get early(): number {
    return this._early;
  }
  /** Packets checked (released while protected). */
  get checked(): number {
    return this._checked;
  }
  get holds(): boolean {
    return this._early === 0;
  }
}
