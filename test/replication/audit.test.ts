import { describe, expect, it } from 'vitest';
import { ReplyAudit, type ReferenceMachine } from '../../lib/replication/index.js';
import { rmw } from './harness.js';

/** The register of the group tests as a reference machine: apply = read-modify-write, reply = prior. */
function register(): ReferenceMachine {
  let x = 1;
  return {
    apply(body) {
      const prior = x;
      x = rmw(x, (body as { add: number }).add);
      return prior;
    },
    digest: (r) => String(r),
  };
}

describe('ReplyAudit (noWrongReply)', () => {
  const a = { add: 5 };
  const b = { add: 7 };
  const c = { add: 9 };

  it('accepts replies that match the reference at their place in the order', () => {
    const audit = new ReplyAudit();
    audit.executed(a);
    audit.executed(b);
    audit.accept(a, 1);
    audit.accept(b, rmw(1, 5));
    expect(audit.verify(register())).toEqual({ noWrongReply: true, checked: 2, wrong: 0, unordered: 0 });
  });

  it('flags a reply computed in another order, and one whose request is not in the order', () => {
    const audit = new ReplyAudit();
    audit.executed(b, 1);
    audit.executed(a, 0);
    audit.executed(a, 0); // a second report of a position counts once
    audit.accept(b, 1); // what b would answer if it ran first: wrong, a ran first
    audit.accept(c, 1);
    const r = audit.verify(register());
    expect(r).toEqual({ noWrongReply: false, checked: 2, wrong: 2, unordered: 1 });
  });

  it('a rollback removes the executions after the restored state', () => {
    const audit = new ReplyAudit();
    audit.executed(a);
    audit.executed(b);
    audit.rollback(1);
    audit.executed(c);
    audit.accept(c, rmw(1, 5));
    expect(audit.verify(register()).noWrongReply).toBe(true);
    expect(() => audit.rollback(5)).toThrow(/beyond/);
  });
});
