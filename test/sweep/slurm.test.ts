/**
 * A real cluster: a single-node Slurm (Debian's packages, set up by this test) runs a
 * sweep as a job array; the merged shard stores must equal a local run byte for byte (wallMs aside).
 * Needs root (it installs packages and starts munged, slurmctld and slurmd); skipped otherwise —
 * except in CI, where it must run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeStores, sweep } from '../../lib/sweep/index.js';
import { canonicalLines, ensureBuilt, ROOT, RUNNER, runLines, tempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const inCI = Boolean(process.env.CI);
const SKIP = !isRoot && !inCI;
if (SKIP) console.warn('slurm.test.ts skipped: a single-node Slurm cluster needs root (apt-get, munged, slurmctld, slurmd)');

const SPEC = join(ROOT, 'test/fixtures/sweep/slurm-spec.json');
const TASK = join(ROOT, 'test/fixtures/sweep/slurm-task.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function ok(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync(cmd, args, { env, stdio: 'ignore' }).status === 0;
}

function have(bin: string): boolean {
  return ok('sh', ['-c', `command -v ${bin}`]) || existsSync(`/usr/sbin/${bin}`);
}

function installSlurm(): void {
  if (['slurmctld', 'slurmd', 'sbatch', 'munged'].every(have)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'slurmctld', 'slurmd', 'slurm-client', 'munge'];
  if (!ok('apt-get', install, env)) {
    sh('apt-get', ['update'], env);
    sh('apt-get', install, env);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A daemon reparented to a pid 1 that does not reap stays a zombie: dead all the same.
  const stat = `/proc/${pid}/stat`;
  return !(existsSync(stat) && / Z /.test(readFileSync(stat, 'utf8')));
}

async function stopByPidFile(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const MUNGE_PID = '/run/munge/munged.pid';
let startedMunge = false;
let dir = '';
let env: NodeJS.ProcessEnv = {};

async function startMunge(): Promise<void> {
  if (ok('sh', ['-c', 'munge -n | unmunge'])) return; // a munged is already serving: use it
  const key = '/etc/munge/munge.key';
  const uid = Number(sh('id', ['-u', 'munge']));
  const gid = Number(sh('id', ['-g', 'munge']));
  if (!existsSync(key)) {
    mkdirSync('/etc/munge', { recursive: true });
    writeFileSync(key, randomBytes(1024));
  }
  chownSync(key, uid, gid);
  chmodSync(key, 0o400);
  for (const d of ['/run/munge', '/var/lib/munge', '/var/log/munge']) {
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, gid);
  }
  sh('runuser', ['-u', 'munge', '--', '/usr/sbin/munged']);
  startedMunge = true;
  for (let i = 0; i < 50 && !ok('sh', ['-c', 'munge -n | unmunge']); i++) await sleep(100);
}

async function startSlurm(): Promise<void> {
  dir = tempDir('slurm');
  const host = hostname().split('.')[0]!;
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'spool'));
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=vmfttest',
      `SlurmctldHost=${host}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=bf_interval=1',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobCompType=jobcomp/none',
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      `NodeName=${host} CPUs=${cpus().length} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  env = { ...process.env, SLURM_CONF: conf };
  sh('slurmctld', ['-c', '-f', conf], env);
  sh('slurmd', ['-f', conf], env);
  for (let i = 0; i < 150; i++) {
    if (/idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout ?? '')) return;
    await sleep(100);
  }
  throw new Error(`slurm node never became idle:\n${readFileSync(join(dir, 'slurmctld.log'), 'utf8').slice(-2000)}`);
}

function logs(): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log') || f.endsWith('.out'))
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-1500)}`)
    .join('\n');
}

describe.skipIf(SKIP)('a Slurm job array', () => {
  beforeAll(async () => {
    if (!isRoot) throw new Error('the Slurm integration test must run as root in CI (CI is set)');
    await ensureBuilt();
    installSlurm();
    await startMunge();
    await startSlurm();
  }, 150_000);

  afterAll(async () => {
    if (dir !== '') {
      await stopByPidFile(join(dir, 'slurmd.pid'));
      await stopByPidFile(join(dir, 'slurmctld.pid'));
    }
    if (startedMunge) await stopByPidFile(MUNGE_PID);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('runs a sweep as sbatch --array=0-2 whose merged shards equal a local run', async () => {
    const base = join(dir, 'stores');
    const job = sh(
      'sbatch',
      ['--parsable', '--array=0-2', '--cpus-per-task=1', `--output=${dir}/task-%a.out`, `--chdir=${ROOT}`, '--wrap', `'${process.execPath}' '${TASK}' '${SPEC}' '${base}'`],
      env,
    )
      .trim()
      .split(';')[0]!;
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && sh('squeue', ['-h', '-j', job], env).trim() !== '') await sleep(250);
    const states = sh('scontrol', ['show', 'job', job], env);
    const tasks = [...states.matchAll(/ArrayTaskId=(\d+)[\s\S]*?JobState=(\w+)[\s\S]*?ExitCode=(\S+)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).sort();
    expect(tasks, `job ${job} did not finish cleanly:\n${states}\n${logs()}`).toEqual(['0 COMPLETED 0:0', '1 COMPLETED 0:0', '2 COMPLETED 0:0']);

    const merged = mergeStores([0, 1, 2].map((i) => join(base, `shard-${i}`)), join(dir, 'merged'));
    expect(merged.missing).toBe(0);
    await sweep(SPEC, { out: join(dir, 'local'), workers: 2, runner: RUNNER });
    const local = canonicalLines(runLines(join(dir, 'local')));
    expect(local).toHaveLength(18);
    expect(canonicalLines(runLines(join(dir, 'merged')))).toEqual(local);
    expect(readFileSync(join(dir, 'task-1.out'), 'utf8')).toMatch(/shard 1\/3 on \S+: 6 rows/);
  }, 60_000);
});
