import { describe, expect, it } from 'vitest';
import { injectFaults } from '../../../lib/engines/remus/faults.js';
import type { RemusRun } from '../../../lib/engines/remus/wire.js';
import { remusPair } from './harness.js';

describe('remus injectFaults(run, [backupCrash]): what the crashed backup held, against the last committed checkpoint', { timeout: 120_000 }, () => {
  /** A protected pair at 2 s; `sabotage` alters the backup's copy; then the backup host crashes. */
  function crashBackupAfter(sabotage: (run: RemusRun) => void): RemusRun['backupCrashCheck'] {
    const { run, start } = remusPair();
    start();
    run.sim.run(2e9);
    sabotage(run);
    injectFaults(run, [{ kind: 'backupCrash', atNs: run.sim.now + 1 }]);
    run.sim.run(run.sim.now + 1e6);
    expect(run.backup.alive).toBe(false);
    return run.backupCrashCheck;
  }

  it('an untouched backup holds exactly the committed memory and disk', () => {
    expect(crashBackupAfter(() => {})).toEqual({ memory: true, disk: true });
  });

  it('a page of the image newer than the commit (page 0) is found', () => {
    expect(crashBackupAfter((run) => run.primaries[0]!.replica.image!.write(0))).toEqual({ memory: false, disk: true });
  });

  it('a disk block newer than the commit (block 0) is found', () => {
    expect(
      crashBackupAfter((run) => {
        run.primaries[0]!.replica.disk.versions[0]!++;
      }),
    ).toEqual({ memory: true, disk: false });
  });
});
