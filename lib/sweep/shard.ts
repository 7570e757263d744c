import { InputError } from '../params/index.js';

/** Shard `index` of `count` (0-based): the points whose grid index mod count is index. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const SHARD_ALLOWED = 'i/n with integers 0 ≤ i < n, e.g. 0/4';

function int(s: string): number | undefined {
  return /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

/** Parse `i/n`. */
export function parseShard(text: string, field = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(field, `${JSON.stringify(text)} is not a shard`, SHARD_ALLOWED);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new InputError(field, `${index}/${count} is out of range`, SHARD_ALLOWED);
  return { index, count };
}

export function formatShard(s: Shard): string {
  return `${s.index}/${s.count}`;
}

export interface ShardChoice {
  /** `--shard i/n` */
  readonly shard?: string | Shard;
  /** `--shards n`: the count when the index comes from JOB_COMPLETION_INDEX. */
  readonly shards?: number | string;
}

/**
 * Which shard this process runs (docs/design.md#sweeps): `--shard i/n`; else a Slurm job array
 * (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, offset by SLURM_ARRAY_TASK_MIN and divided by
 * SLURM_ARRAY_TASK_STEP so `--array=1-4` or `0-6:2` also work); else JOB_COMPLETION_INDEX with
 * `--shards n` (a Kubernetes Indexed Job). `undefined`: the whole sweep.
 */
export function resolveShard(choice: ShardChoice, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  let shards: number | undefined;
  if (choice.shards !== undefined) {
    shards = typeof choice.shards === 'number' ? choice.shards : int(choice.shards);
    if (shards === undefined || !Number.isInteger(shards) || shards < 1)
      throw new InputError('--shards', `${JSON.stringify(choice.shards)} is not a shard count`, 'an integer ≥ 1');
  }
  if (choice.shard !== undefined) {
    if (shards !== undefined) throw new InputError('--shards', 'given together with --shard', '--shard i/n, or --shards n with JOB_COMPLETION_INDEX');
    return typeof choice.shard === 'string' ? parseShard(choice.shard) : parseShard(formatShard(choice.shard));
  }
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  if (slurmId !== undefined && slurmId !== '') {
    const id = int(slurmId);
    const count = int(env.SLURM_ARRAY_TASK_COUNT ?? '');
    const min = int(env.SLURM_ARRAY_TASK_MIN ?? '0') ?? 0;
    const step = int(env.SLURM_ARRAY_TASK_STEP ?? '1') || 1;
    if (id === undefined || count === undefined)
      throw new InputError('SLURM_ARRAY_TASK_ID', `unusable Slurm array environment (task ${slurmId}, count ${env.SLURM_ARRAY_TASK_COUNT})`, 'a job array submitted with sbatch --array=0-(n-1)');
    const index = (id - min) / step;
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new InputError('SLURM_ARRAY_TASK_ID', `task ${id} does not map to a shard of ${count} (min ${min}, step ${step})`, 'a job array with a regular range, e.g. --array=0-(n-1)');
    if (shards !== undefined && shards !== count)
      throw new InputError('--shards', `${shards} disagrees with SLURM_ARRAY_TASK_COUNT=${count}`, `--shards ${count} or no --shards`);
    return { index, count };
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    const index = int(k8s);
    if (shards === undefined) throw new InputError('--shards', `JOB_COMPLETION_INDEX=${k8s} is set but the shard count is not`, 'the Job\'s completions as --shards n');
    if (index === undefined || index >= shards)
      throw new InputError('JOB_COMPLETION_INDEX', `${JSON.stringify(k8s)} is not a shard index below --shards ${shards}`, `an integer 0 … ${shards - 1}`);
    return { index, count: shards };
  }
  if (shards !== undefined)
    throw new InputError('--shards', 'needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or a Slurm job array to pick the shard', '--shard i/n to choose it by hand');
  return undefined;
}

/** The points of one shard (all of them without a shard). */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index;
}
