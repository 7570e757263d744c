/**
 * A fault-free copy of a service's state machine, for checking replies: `apply` runs one request at
 * `position` of the total order (replicated services take their write versions from it; a plain
 * service ignores it) and returns the reply; `digest` identifies a reply.
 */
export interface ReferenceMachine {
  apply(body: unknown, position: number | undefined): unknown;
  digest(reply: unknown): string;
}

/** What `ReplyAudit.verify` found. */
export interface AuditResult {
  /** Every reply a client accepted equals the reference's reply to that request at its place in the order. */
  readonly noWrongReply: boolean;
  /** Accepted replies checked. */
  readonly checked: number;
  /** Accepted replies that differ from the reference's. */
  readonly wrong: number;
  /** Accepted replies to requests that are not in the final order at all (counted in `wrong`). */
  readonly unordered: number;
}

/**
 * The `noWrongReply` invariant. It records the total order as the service executed it — for a
 * replicated service the order its replica managers agreed on, for a single VM the order that VM
 * executed requests in (cut back when an engine rolls the VM back to a checkpoint) — and every reply
 * a client accepted. At the end it replays the order on a fault-free reference copy and compares.
 * Requests are identified by their body object (a client's retry carries the same one).
 */
export class ReplyAudit {
  private bodies: unknown[] = [];
  private positions: Array<number | undefined> = [];
  private readonly byPosition = new Set<number>();
  private readonly accepted = new Map<unknown, unknown>();

  /** Requests in the order so far. */
  get length(): number {
    return this.bodies.length;
  }

  /**
   * `body` is executed next (plain service), or at `position` of the agreed order (replicated:
   * recorded once per position, whichever replica reports it first).
   */
  executed(body: unknown, position?: number): void {
    if (position !== undefined) {
      if (this.byPosition.has(position)) return;
      this.byPosition.add(position);
    }
    this.bodies.push(body);
    this.positions.push(position);
  }

  /** The service was rolled back to a state that had executed the first `length` requests. */
  rollback(length: number): void {
    if (length > this.bodies.length) throw new Error(`rollback to ${length} beyond the ${this.bodies.length} executed`);
    for (let i = length; i < this.positions.length; i++) {
      const p = this.positions[i];
      if (p !== undefined) this.byPosition.delete(p);
    }
    this.bodies.length = length;
    this.positions.length = length;
  }

  /** A client accepted `reply` for the request `body` (its first accepted reply counts). */
  accept(body: unknown, reply: unknown): void {
    if (!this.accepted.has(body)) this.accepted.set(body, reply);
  }

  /** Replay the order on `ref` and compare every accepted reply. */
  verify(ref: ReferenceMachine): AuditResult {
    const idx = this.bodies.map((_, i) => i);
    if (this.positions.some((p) => p !== undefined)) idx.sort((a, b) => (this.positions[a] ?? 0) - (this.positions[b] ?? 0));
    const want = new Map<unknown, string>();
    for (const i of idx) {
      const body = this.bodies[i];
      const reply = ref.apply(body, this.positions[i]);
      if (this.accepted.has(body) && !want.has(body)) want.set(body, ref.digest(reply));
    }
    let wrong = 0;
    let unordered = 0;
    for (const [body, reply] of this.accepted) {
      const w = want.get(body);
      if (w === undefined) {
        unordered++;
        wrong++;
      } else if (w !== ref.digest(reply)) wrong++;
    }
    return { noWrongReply: wrong === 0, checked: this.accepted.size, wrong, unordered };
  }
}
