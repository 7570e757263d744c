import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_DEFS } from '../../lib/scenario/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vmft = (...args: string[]) => spawnSync(process.execPath, ['bin/vmft.js', ...args], { cwd: root, encoding: 'utf8' });

beforeAll(() => {
  // `npm test` builds first; running this file alone needs `npm run build`.
  if (!existsSync(`${root}/dist/lib/cli/main.js`)) throw new Error('dist/ is missing: run npm run build');
});

describe('vmft run <engine> --json', () => {
  it('prints exactly one JSON object of the contract shape, exit 0', () => {
    const r = vmft('run', 'unprotected', '--workload', 'synthetic', '--set', 'run.durationS=2', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['engine', 'invariants', 'metrics', 'modelVersion', 'params', 'seed', 'series', 'workload']);
    expect(out.params['run.durationS']).toBe(2);
  });

  it('is byte-identical run to run apart from wallMs', () => {
    const a = vmft('run', 'unprotected', '--workload', 'synthetic', '--set', 'run.durationS=2', '--seed', '5', '--json').stdout;
    const b = vmft('run', 'unprotected', '--workload', 'synthetic', '--set', 'run.durationS=2', '--seed', '5', '--json').stdout;
    const noWall = (s: string) => s.replace(/"wallMs":[0-9.e+-]+/, '"wallMs":0');
    expect(noWall(a)).toBe(noWall(b));
  });

  it('prints a readable table without --json', () => {
    const r = vmft('run', 'unprotected', '--workload', 'idle', '--set', 'run.durationS=1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/metrics\n[\s\S]*dirtyPagesPerSMean[\s\S]*wallMs/);
  });
});

describe('vmft run --help', () => {
  it('lists every engine in the registry as the <engine> argument', () => {
    const r = vmft('run', '--help');
    expect(r.status).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('engine'));
    expect(line?.trim().replace(/^engine\s+/, '')).toBe(ENGINE_DEFS.map((e) => e.name).join(' | '));
    expect(ENGINE_DEFS.map((e) => e.name)).toEqual(expect.arrayContaining(['unprotected', 'migration', 'remus', 'active', 'spare']));
  });
});

describe('vmft bad input exits 2 naming the problem', () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', 'bogus'], /engine: unknown engine "bogus"/],
    [['run', 'spare'], /workload: idle is not replicable: engine spare runs the service as a replicated state machine/],
    [['run', 'active'], /workload: idle is not replicable: engine active runs the service as a replicated state machine \(allowed: kvstore\)/],
    [['run', 'active', '--workload', 'kvstore', '--set', 'faults.primaryCrashAtS=1'], /faults\.primaryCrashAtS: engine active cannot apply a primaryCrash fault/],
    [['run', 'unprotected', '--workload', 'nope'], /unknown workload "nope" \(allowed: /],
    [['run', 'unprotected', '--set', 'vm.memoryMiB=abc'], /vm\.memoryMiB: "abc" is not a number/],
    [['run', 'unprotected', '--set', 'vm.memoryMiB=-4'], /vm\.memoryMiB: -4 is out of range/],
    [['run', 'unprotected', '--set', 'nosuch.key=1'], /nosuch\.key: unknown parameter/],
    [['run', 'unprotected', '--set', 'novalue'], /--set: "novalue" is not key=value/],
    [['run', 'unprotected', '--seed', 'x'], /--seed: "x" is not a valid seed/],
    [['run', 'unprotected', '--set', 'faults.hostCrashAtS=99'], /faults\.hostCrashAtS: fault at 99 s is not before the end of the run/],
    [['list', 'nothing'], /list: unknown list "nothing" \(allowed: engines \| workloads \| policies \| params\)/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, message] of cases) {
    it(`vmft ${args.join(' ')}`, () => {
      const r = vmft(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});

describe('vmft list', () => {
  it('lists engines (planned ones marked), workloads and params with defaults', () => {
    expect(vmft('list', 'engines').stdout).toMatch(/unprotected[\s\S]*active[\s\S]*spare\s+SPARE: f\+1 active replicas/);
    expect(vmft('list', 'workloads').stdout).toMatch(/synthetic/);
    const params = vmft('list', 'params').stdout;
    expect(params).toMatch(/link\.efficiency\s+0\.94/);
    expect(params).toMatch(/workload synthetic[\s\S]*workload\.locality\s+uniform\s+uniform \| hotcold \| zipf \| sequential/);
  });
});
