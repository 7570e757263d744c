/**
 * Reply voting at a contact replica manager: replicas report a digest of their reply (the contact
 * RM's own replica the full reply); the request is answered once `quorum` identical digests are
 * in. With at most f faulty replicas, f + 1 identical replies include at least one correct one, so
 * the reply they agree on is correct (SPARE's verification rule; under `active`, 2f + 1 replicas,
 * f + 1 is also a majority).
 *
 * The quorum may be raised while a vote runs (`setQuorum`): an engine that suspects a fault can
 * ask for more replies (SPARE activating its shadows) without starting the vote again.
 */
export class VoteCollector {
  private q: number;
  private readonly tallies = new Map<string, { voters: number[]; full: boolean; reply: unknown; bytes: number }>();
  private readonly voted = new Set<number>();
  private _decided: { digest: string; voters: readonly number[] } | null = null;

  constructor(quorum: number) {
    if (!(Number.isInteger(quorum) && quorum >= 1)) throw new Error(`bad quorum ${quorum}`);
    this.q = quorum;
  }

  get quorum(): number {
    return this.q;
  }

  /** Ask for more identical replies (never fewer than already asked for). */
  setQuorum(q: number): void {
    if (!(Number.isInteger(q) && q >= this.q)) throw new Error(`quorum can only grow (${this.q} → ${q})`);
    this.q = q;
  }

  /** Replicas that have voted. */
  get votes(): number {
    return this.voted.size;
  }

  /** Distinct digests seen: more than one means at least one replica is faulty (or out of order). */
  get distinct(): number {
    return this.tallies.size;
  }

  get decided(): { readonly digest: string; readonly voters: readonly number[] } | null {
    return this._decided;
  }

  /**
   * Replica `replica` reports `digest` (and, from the contact's own replica, the full reply).
   * A second vote from the same replica is ignored. Returns true when this vote decided the request.
   */
  add(replica: number, digest: string, full?: { readonly reply: unknown; readonly bytes: number }): boolean {
    if (this.voted.has(replica)) return false;
    this.voted.add(replica);
    let t = this.tallies.get(digest);
    if (t === undefined) {
      t = { voters: [], full: false, reply: undefined, bytes: 0 };
      this.tallies.set(digest, t);
    }
    t.voters.push(replica);
    if (full !== undefined && !t.full) {
      t.full = true;
      t.reply = full.reply;
      t.bytes = full.bytes;
    }
    return this.check();
  }

  /** Re-check after the quorum changed (it may only have grown: nothing new is decided). */
  private check(): boolean {
    if (this._decided !== null) return false;
    for (const [digest, t] of this.tallies)
      if (t.voters.length >= this.q) {
        this._decided = { digest, voters: t.voters.slice() };
        return true;
      }
    return false;
  }

  /** The full reply for `digest`, when one replica with that digest sent it. */
  fullReply(digest: string): { readonly reply: unknown; readonly bytes: number } | null {
    const t = this.tallies.get(digest);
    return t !== undefined && t.full ? { reply: t.reply, bytes: t.bytes } : null;
  }

  /** Attach a full reply fetched later for `digest`. */
  attachFull(digest: string, reply: unknown, bytes: number): void {
    const t = this.tallies.get(digest);
    if (t === undefined || t.full) return;
    t.full = true;
    t.reply = reply;
    t.bytes = bytes;
  }
}
