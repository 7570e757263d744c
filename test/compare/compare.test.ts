import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, compareMarkdown, compareText, expressFaults, runOutcome, type LoadFault } from '../../lib/compare/index.js';
import { ENGINE_DEFS, runScenario } from '../../lib/scenario/index.js';
import { shapeOf } from '../../lib/compare/protections.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI (`npm test` builds first). */
const vmft = (...args: string[]) => spawnSync(process.execPath, ['bin/vmft.js', ...args], { cwd: root, encoding: 'utf8' });

const SMALL = { 'run.durationS': 4, 'vm.memoryMiB': 16 };

describe('compare(options)', { timeout: 300_000 }, () => {
  it('replays a fault load of two faults on every protection and judges each', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmft-compare-'));
    const r = await compare({
      workload: 'kvstore',
      faults: { faults: [{ kind: 'hostCrash', atS: 2 }, { kind: 'rmCrash', atS: 1 }] },
      set: SMALL,
      workers: 2,
      out,
    });
    const by = Object.fromEntries(r.rows.map((row) => [row.protection, row]));
    expect(Object.keys(by)).toEqual(['unprotected', 'migration', 'remus', 'remus-unbuffered', 'spare', 'active']);
    // Host 0's crash ends the unprotected service; only the replicated engines can express the RM crash too.
    expect(by.unprotected!.outcome).toBe('not applicable');
    expect(by.unprotected!.notApplicable.map((n) => n.kind)).toEqual(['rmCrash']);
    expect(by.active!.outcome).toBe('survived');
    expect(by.active!.declared).toBe('does not tolerate'); // two faults with f = 1 (though both strike host 0)
    expect(by.active!.hostsReserved).toBe(3);
    expect(by.spare!.outcome).toBe('survived');
    expect(by.spare!.declared).toBe('does not tolerate');
    expect(by.spare!.hostsReserved).toBe(2);
    expect(by.remus!.vmsReserved).toBe(2);
    // Every protection ran the host crash: its expressed keys are in the stored rows.
    const rows = readFileSync(join(out, 'load', 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((x) => x.engine === 'remus')!['faults.primaryCrashAtS']).toBe(2);
    expect(rows.find((x) => x.engine === 'unprotected')!['faults.hostCrashAtS']).toBe(2);
    expect(rows.find((x) => x.engine === 'active')!['faults.rmCrashAtS']).toBe(1);
    expect(rows.find((x) => x.engine === 'spare')!['faults.rmCrashAtS']).toBe(1);
    expect(existsSync(join(out, 'compare.json'))).toBe(true);
    expect(compareText(r)).toMatch(/remus-unbuffered/);
    expect(compareMarkdown(r)).toMatch(/\| protection \| hosts \|/);
    // Rerun into the same folder: every run is resumed from the stores, the table is the same.
    const again = await compare({ workload: 'kvstore', faults: r.faults, set: SMALL, workers: 2, out });
    expect(JSON.stringify(again.rows)).toBe(JSON.stringify(r.rows));
  });

  it('fault keys given with --set become the fault load, and rates give nines', async () => {
    const r = await compare({
      workload: 'kvstore',
      faults: { faults: [], rates: [{ kind: 'hostCrash', mttfH: 8766, repairH: 4 }] },
      set: { ...SMALL, 'faults.hostCrashAtS': 2 },
      workers: 2,
    });
    expect(r.faults.faults).toEqual([{ kind: 'hostCrash', atS: 2 }]);
    const by = Object.fromEntries(r.rows.map((row) => [row.protection, row]));
    expect(by.unprotected!.outcome).toBe('down');
    expect(by.remus!.outcome).toBe('survived');
    // Unprotected: one host, one crash a year, 4 h to repair.
    expect(by.unprotected!.dependability!.downtimeSPerYear).toBe(4 * 3600);
    expect(by.active!.dependability!.nines!).toBeGreaterThan(by.unprotected!.dependability!.nines!);
  });
});

describe('vmft compare', { timeout: 300_000 }, () => {
  it('prints the table (exit 0) and refuses a bad fault file naming the field (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmft-compare-cli-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ faults: [{ kind: 'hostCrash' }] }));
    const refused = vmft('compare', '--workload', 'kvstore', '--faults', bad);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/faults\[0\]\.atS/);
    const ok = vmft('compare', '--workload', 'kvstore', '--set', 'run.durationS=3', '--set', 'vm.memoryMiB=16', '--set', 'faults.hostCrashAtS=1', '--out', join(dir, 'out'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^protection +hosts/m);
    expect(existsSync(join(dir, 'out', 'figures', 'compare-cost.svg'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'compare.md'))).toBe(true);
  });
});

describe('what an engine declares it tolerates', { timeout: 600_000 }, () => {
  const cases: LoadFault[] = [
    { kind: 'hostCrash', atS: 2 },
    { kind: 'vmCrash', atS: 2 },
    { kind: 'rmCrash', atS: 2 },
    { kind: 'linkDown', atS: 2, forS: 1 },
    { kind: 'byzantine', atS: 2, byzantineKind: 'wrong-reply' },
  ];
  const outcome = (engine: string, f: LoadFault): string | null => {
    const def = ENGINE_DEFS.find((e) => e.name === engine)!;
    const e = expressFaults([f], { engine: def, ...shapeOf(def, 'kvstore', SMALL) });
    if (e.notApplicable.length > 0) return null;
    const r = runScenario({ engine, workload: 'kvstore', params: { ...SMALL, ...e.params, ...(engine === 'migration' ? { 'migration.startAtS': 1 } : {}) } });
    return runOutcome({ ...r.metrics, ...Object.fromEntries(Object.entries(r.invariants).map(([k, v]) => [`inv.${k}`, v])) });
  };

  for (const def of ENGINE_DEFS)
    it(`${def.name}: a fault kind it does not declare hurts the service in its plainest case (host or replica 0, a wrong reply)`, () => {
      for (const f of cases) {
        if (def.tolerates.includes(f.kind)) continue;
        const o = outcome(def.name, f);
        if (o !== null) expect(o, `${def.name} under ${f.kind}`).not.toBe('survived');
      }
    });

  it('property: a declared fault kind is survived on any component at any time', () => {
    const arb = fc.record({
      engine: fc.constantFrom(...ENGINE_DEFS.filter((d) => d.tolerates.length > 0).map((d) => d.name)),
      kind: fc.constantFrom('hostCrash', 'vmCrash', 'rmCrash', 'linkDown', 'byzantine'),
      atS: fc.double({ min: 0.5, max: 3, noNaN: true }),
      index: fc.integer({ min: 0, max: 2 }),
      byzantineKind: fc.constantFrom('wrong-reply', 'corrupt-state', 'silent', 'slow'),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const def = ENGINE_DEFS.find((d) => d.name === c.engine)!;
        fc.pre(def.tolerates.includes(c.kind as LoadFault['kind']));
        const f: LoadFault =
          c.kind === 'byzantine'
            ? { kind: 'byzantine', atS: c.atS, byzantineKind: c.byzantineKind as 'silent' }
            : c.kind === 'vmCrash'
              ? { kind: 'vmCrash', atS: c.atS, replica: c.index }
              : c.kind === 'linkDown'
                ? { kind: 'linkDown', atS: c.atS, forS: 1 }
                : { kind: c.kind as 'hostCrash', atS: c.atS, host: c.index };
        const o = outcome(c.engine, f);
        if (o !== null) expect(o, JSON.stringify(c)).toBe('survived');
      }),
      { numRuns: 12, seed: 16 },
    );
  });
});
