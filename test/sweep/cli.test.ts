import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { canonicalLines, ensureBuilt, runLines, tempDir, removeTempDirs, specFile, vmftSweepCli } from './helpers.js';

afterAll(removeTempDirs);

beforeAll(ensureBuilt, 120_000);


const vmft = (args: string[], env: NodeJS.ProcessEnv = {}) => vmftSweepCli(args, { env });


const good = { name: 'cli', engine: 'remus', workload: 'idle', params: { y: 'k' }, grid: { x: [1, 2, 3] }, replicates: 2, seed: 4 };

describe('vmft sweep', () => {
  it('--dry-run prints the expanded grid and the number of points, and runs nothing', async () => {
    const dir = tempDir('cli-dry');
    const r = await vmft(['sweep', specFile(dir, good), '--dry-run']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('cli: remus on idle, seed 4');
    expect(lines[1]).toBe('fixed: y="k"');
    expect(lines[2]).toMatch(/^index\s+id\s+replicate\s+seed\s+x$/);
    expect(lines).toHaveLength(3 + 6 + 1);
    expect(lines.at(-1)).toBe('6 points (3 combinations × 2 replicates)');
    const sharded = await vmft(['sweep', specFile(dir, good), '--dry-run', '--shard', '1/2']);
    expect(sharded.stdout).toContain('shard 1/2: 3 of 6 points');
    expect(sharded.stdout.split('\n').filter((l) => /^\d+\s+[0-9a-f]{16}/.test(l)).map((l) => Number(l.split(/\s+/)[0]))).toEqual([1, 3, 5]);
  });

  it('runs into a store and exits 0 when every point is ok; a rerun resumes and runs nothing', async () => {
    const dir = tempDir('cli-run');
    const r = await vmft(['sweep', specFile(dir, good), '--out', join(dir, 'store'), '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cli: 6 points: 6 ok, 0 error, 0 timeout → .*runs\.jsonl/);
    expect(runLines(join(dir, 'store'))).toHaveLength(6);
    const again = await vmft(['sweep', specFile(dir, good), '--out', join(dir, 'store')]);
    expect(again.code).toBe(0);
    expect(runLines(join(dir, 'store'))).toHaveLength(6);
  }, 30_000);

  it('exits 1 when a point failed, listing it', async () => {
    const dir = tempDir('cli-fail');
    const r = await vmft(['sweep', specFile(dir, { ...good, grid: { x: [1, 2], 'fake.mode': ['ok', 'throw'] } }), '--out', join(dir, 'store')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/8 points: 4 ok, 4 error, 0 timeout/);
    expect(r.stderr).toMatch(/#\d \w+ error: fake failure for x=1/);
  }, 30_000);

  it('picks its shard from a Slurm job array or a Kubernetes Indexed Job, and merge unions the shards', async () => {
    const dir = tempDir('cli-shards');
    const spec = specFile(dir, good);
    for (const i of [0, 1]) {
      const r = await vmft(['sweep', spec, '--out', join(dir, `slurm-${i}`)], { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: '2' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`(shard ${i}/2 of 6)`);
    }
    for (const i of [0, 1, 2]) await vmft(['sweep', spec, '--out', join(dir, `k8s-${i}`), '--shards', '3'], { JOB_COMPLETION_INDEX: String(i) });
    const m1 = await vmft(['merge', join(dir, 'slurm-0'), join(dir, 'slurm-1'), '--out', join(dir, 'm1')]);
    expect(m1.code).toBe(0);
    expect(m1.stderr).toContain('6 of 6 points (0 failed)');
    await vmft(['merge', join(dir, 'k8s-0'), join(dir, 'k8s-1'), join(dir, 'k8s-2'), '--out', join(dir, 'm2')]);
    await vmft(['sweep', spec, '--out', join(dir, 'whole')]);
    expect(canonicalLines(runLines(join(dir, 'm1')))).toEqual(canonicalLines(runLines(join(dir, 'whole'))));
    expect(canonicalLines(runLines(join(dir, 'm2')))).toEqual(canonicalLines(runLines(join(dir, 'whole'))));
    const partial = await vmft(['merge', join(dir, 'k8s-0'), '--out', join(dir, 'm3')]);
    expect(partial.stderr).toContain('2 of 6 points');
    expect(partial.stderr).toContain('4 points missing');
  }, 60_000);

  // Every bad-input path: exit 2 and a message naming the problem and what is allowed.
  const bad: [string, (dir: string) => string[], NodeJS.ProcessEnv, RegExp][] = [
    ['a bad spec', (d) => ['sweep', specFile(d, { ...good, engine: 'xen', replicates: 0 }), '--out', join(d, 's')], {}, /engine: bad value, got "xen" \(allowed: unprotected \| migration \| remus \| active \| spare\)\n\s+replicates: bad value, got 0/],
    ['a missing spec file', (d) => ['sweep', join(d, 'none.json'), '--out', join(d, 's')], {}, /none\.json: cannot read the sweep spec/],
    ['malformed JSON', (d) => (writeFileSync(join(d, 'b.json'), '{'), ['sweep', join(d, 'b.json'), '--out', join(d, 's')]), {}, /b\.json: not valid JSON/],
    ['no --out', (d) => ['sweep', specFile(d, good)], {}, /--out: missing \(allowed: a folder for the store/],
    ['a bad --workers', (d) => ['sweep', specFile(d, good), '--out', join(d, 's'), '--workers', 'two'], {}, /--workers: "two" is not a worker count \(allowed: an integer ≥ 1\)/],
    ['zero --workers', (d) => ['sweep', specFile(d, good), '--out', join(d, 's'), '--workers', '0'], {}, /--workers: "0" is not a worker count/],
    ['a bad --shard', (d) => ['sweep', specFile(d, good), '--out', join(d, 's'), '--shard', '2/2'], {}, /--shard: 2\/2 is out of range/],
    ['--shards without an index', (d) => ['sweep', specFile(d, good), '--out', join(d, 's'), '--shards', '2'], {}, /--shards: needs JOB_COMPLETION_INDEX/],
    ['JOB_COMPLETION_INDEX without --shards', (d) => ['sweep', specFile(d, good), '--out', join(d, 's')], { JOB_COMPLETION_INDEX: '0' }, /JOB_COMPLETION_INDEX=0 is set but the shard count is not/],
    ['a runner-rejected parameter', (d) => ['sweep', specFile(d, { ...good, params: { 'fake.bad': 1 } }), '--out', join(d, 's')], {}, /fake\.bad: 1 is not accepted/],
    ['merge without --out', (d) => ['merge', d], {}, /--out: missing/],
    ['merge of a non-store', (d) => ['merge', d, '--out', join(d, 'm')], {}, /not a sweep store/],
  ];
  for (const [what, args, env, message] of bad)
    it(`exits 2 on ${what}`, async () => {
      const dir = tempDir('cli-bad');
      const r = await vmft(args(dir), env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(runLines(join(dir, 's'))).toHaveLength(0);
    });

  it('exits 2 when the store holds a different spec', async () => {
    const dir = tempDir('cli-other');
    await vmft(['sweep', specFile(dir, good), '--out', join(dir, 's')]);
    const r = await vmft(['sweep', specFile(dir, { ...good, seed: 5 }, 'other.json'), '--out', join(dir, 's')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds sweep "cli" .*a different spec is never mixed into a store/);
  }, 30_000);
});
