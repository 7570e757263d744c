import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { s } from '../../lib/sim/index.js';
import { VoteCollector } from '../../lib/replication/index.js';
import { groupWorld } from './harness.js';

/** Every answer equals the reference's reply for that request at its place in the total order. */
function wrongAnswers(w: ReturnType<typeof groupWorld>, from: number): number {
  const ref = w.reference(from);
  let wrong = 0;
  for (const [k, a] of w.answers) if (ref.get(k) !== a.reply) wrong++;
  return wrong;
}

describe('ReplicationGroup', () => {
  it('delivers one total order to every replica and answers with the agreed reply', () => {
    const w = groupWorld({ hosts: 3, quorum: 2 });
    w.start();
    w.sim.run(s(2));
    w.stop();
    w.sim.run(s(3));
    expect(w.answers.size).toBeGreaterThan(500);
    const seqs = w.logs.map((l) => l.map((e) => `${e.session}:${e.n}`).join(','));
    expect(seqs[1]).toBe(seqs[0]);
    expect(seqs[2]).toBe(seqs[0]);
    expect(new Set(w.state).size).toBe(1);
    expect(wrongAnswers(w, 0)).toBe(0);
    // Every request was executed exactly once per replica (no duplicates from retries).
    expect(w.logs[0]!.length).toBe(w.issued);
    expect(w.suspicions).toEqual([]);
  });

  it('a replica handed a shuffled order diverges: its replies differ and the contact RMs notice', () => {
    const w = groupWorld({ hosts: 3, quorum: 2, shuffledRm: 2 });
    w.start();
    w.sim.run(s(2));
    expect(w.state[2]).not.toBe(w.state[0]);
    expect(w.suspicions.filter((x) => x.why === 'mismatch').length).toBeGreaterThan(0);
    // The two correct replicas still outvote it.
    expect(wrongAnswers(w, 0)).toBe(0);
  });

  it('with f + 1 colluding wrong replicas the quorum accepts their reply; with f it never does', () => {
    for (const f of [1, 2]) {
      const bad = groupWorld({ hosts: 2 * f + 1, quorum: f + 1, wrong: Array.from({ length: f + 1 }, (_, i) => 2 * f - i) });
      bad.start();
      bad.sim.run(s(1));
      expect(wrongAnswers(bad, 0)).toBeGreaterThan(0);
      const ok = groupWorld({ hosts: 2 * f + 1, quorum: f + 1, wrong: Array.from({ length: f }, (_, i) => 2 * f - i) });
      ok.start();
      ok.sim.run(s(1));
      expect(ok.answers.size).toBeGreaterThan(100);
      expect(wrongAnswers(ok, 0)).toBe(0);
    }
  });

  it('fetches the full reply from an agreeing RM when the contact’s own replica is wrong', () => {
    const w = groupWorld({ hosts: 3, quorum: 2, wrong: [0] });
    w.start();
    w.sim.run(s(1));
    const viaContact0 = [...w.answers.values()].filter((a) => a.rm === 0).length;
    expect(viaContact0).toBeGreaterThan(0);
    expect(wrongAnswers(w, 1)).toBe(0);
  });

  it('survives a crash of the sequencer: one order, no request lost or executed twice', () => {
    const w = groupWorld({ hosts: 3, quorum: 2 });
    w.start();
    w.sim.at(s(0.5) + 12_345, () => w.crashHost(0));
    w.sim.run(s(2));
    w.stop();
    w.sim.run(s(3));
    expect(w.group.sequencerOf(1)).toBe(1);
    expect(w.group.sequencerOf(2)).toBe(1);
    const seqs = [1, 2].map((i) => w.logs[i]!.map((e) => `${e.session}:${e.n}`));
    expect(seqs[0]).toEqual(seqs[1]);
    expect(new Set(seqs[0]).size).toBe(seqs[0]!.length);
    expect(w.logs[1]!.length).toBe(w.issued);
    expect(wrongAnswers(w, 1)).toBe(0);
    // Every session moved on after the crash (its contact RM may have been the dead one).
    expect(w.answers.size).toBe(w.issued);
  });

  it('survives the crash of a non-sequencer RM alone (its host and replica stay up)', () => {
    const w = groupWorld({ hosts: 3, quorum: 2 });
    w.start();
    w.sim.at(s(0.4), () => w.group.crash(2));
    w.sim.run(s(1.5));
    w.stop();
    w.sim.run(s(2.5));
    expect(w.answers.size).toBe(w.issued);
    expect(wrongAnswers(w, 0)).toBe(0);
  });

  it('RM CPU and messages grow with the request rate', () => {
    const a = groupWorld({ hosts: 3, quorum: 2, sessions: 2 });
    const b = groupWorld({ hosts: 3, quorum: 2, sessions: 8 });
    for (const w of [a, b]) {
      w.start();
      w.sim.run(s(1));
    }
    expect(b.answers.size).toBeGreaterThan(3 * a.answers.size);
    expect(b.group.totals().cpuNs).toBeGreaterThan(2 * a.group.totals().cpuNs);
    expect(b.group.totals().bytesSent).toBeGreaterThan(2 * a.group.totals().bytesSent);
  });

  it('property: with at most f faulty replicas (colluding, silent) and a crash, no wrong answer, every request answered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('wrong', 'silent'),
        fc.option(fc.integer({ min: 100, max: 700 }), { nil: undefined }),
        fc.integer({ min: 1, max: 1000 }),
        (f, faultyWanted, kind, crashAtMs, seed) => {
          const faulty = Math.min(faultyWanted, f);
          const n = 2 * f + 1;
          // Faulty replicas have the highest indices; a crash (if any) takes host 0 and counts as one of the f.
          const nFaulty = crashAtMs === undefined ? faulty : Math.min(faulty, f - 1);
          const bad = Array.from({ length: nFaulty }, (_, i) => n - 1 - i);
          const w = groupWorld({ hosts: n, quorum: f + 1, seed, ...(kind === 'wrong' ? { wrong: bad } : { silent: bad }) });
          w.start();
          if (crashAtMs !== undefined) w.sim.at(crashAtMs * 1e6, () => w.crashHost(0));
          w.sim.run(s(1.2));
          w.stop();
          w.sim.run(s(2.5));
          expect(wrongAnswers(w, 1)).toBe(0);
          expect(w.answers.size).toBe(w.issued);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  }, 180_000);
});

describe('VoteCollector', () => {
  it('decides at the quorum of identical digests, not before, whatever else arrives', () => {
    const v = new VoteCollector(2);
    expect(v.add(0, 'a', { reply: 'A', bytes: 1 })).toBe(false);
    expect(v.add(1, 'b')).toBe(false);
    expect(v.distinct).toBe(2);
    expect(v.add(1, 'a')).toBe(false); // a second vote of the same replica is ignored
    expect(v.add(2, 'a')).toBe(true);
    expect(v.decided).toEqual({ digest: 'a', voters: [0, 2] });
    expect(v.fullReply('a')).toEqual({ reply: 'A', bytes: 1 });
  });

  it('asks for more replies when the quorum is raised', () => {
    const v = new VoteCollector(2);
    v.add(0, 'a');
    v.setQuorum(3);
    expect(v.add(1, 'a')).toBe(false);
    expect(v.add(2, 'a')).toBe(true);
    expect(() => v.setQuorum(2)).toThrow(/only grow/);
  });
});
