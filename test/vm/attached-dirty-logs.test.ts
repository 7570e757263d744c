import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageMemory } from '../../lib/vm/index.js';

describe('PageMemory.attachDirtyLog', () => {
  it('gives each user its own log, read and cleared independently of memory.dirty', () => {
    const mem = new PageMemory({ pages: 16 });
    mem.enableLogDirty();
    const mine = mem.attachDirtyLog();
    mem.write(3);
    mem.writeMany([5, 7]);
    expect(Array.from(mine.readAndClear())).toEqual([3, 5, 7]);
    mem.writeRange(9, 2);
    expect(Array.from(mem.dirty.readAndClear())).toEqual([3, 5, 7, 9, 10]);
    expect(Array.from(mine.peek())).toEqual([9, 10]);
  });

  it('starts clean: writes before attaching are not in it', () => {
    const mem = new PageMemory({ pages: 8 });
    mem.write(1);
    const log = mem.attachDirtyLog();
    mem.write(2);
    expect(Array.from(log.peek())).toEqual([2]);
  });

  it('stops seeing writes once detached, and refuses a foreign log', () => {
    const mem = new PageMemory({ pages: 8 });
    const log = mem.attachDirtyLog();
    expect(mem.attachedDirtyLogs).toBe(1);
    mem.detachDirtyLog(log);
    mem.write(4);
    expect(log.count).toBe(0);
    expect(mem.attachedDirtyLogs).toBe(0);
    expect(() => mem.detachDirtyLog(log)).toThrow(/not attached/);
  });

  it('a write traps once, when its page is clean in any trapping log', () => {
    const mem = new PageMemory({ pages: 8 });
    mem.enableLogDirty();
    const log = mem.attachDirtyLog();
    mem.write(1); // clean everywhere: trap
    mem.write(1); // dirty everywhere: none
    expect(mem.takeTraps()).toBe(1);
    log.readAndClear(); // the page is write-protected again
    mem.write(1);
    expect(mem.takeTraps()).toBe(1);
    mem.dirty.readAndClear();
    mem.writeMany([1, 1, 2]);
    expect(mem.takeTraps()).toBe(2);
  });

  it('an attached log alone traps (log-dirty mode off for memory.dirty)', () => {
    const mem = new PageMemory({ pages: 8 });
    mem.attachDirtyLog();
    mem.writeRange(0, 4);
    mem.writeRange(0, 4);
    expect(mem.takeTraps()).toBe(4);
    expect(mem.dirty.count).toBe(0);
  });

  it('property: every attached log equals a set model of the writes since its last read', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ k: fc.constant('w' as const), p: fc.integer({ min: 0, max: 63 }) }),
            fc.record({ k: fc.constant('r' as const), l: fc.integer({ min: 0, max: 2 }) }),
            fc.record({ k: fc.constant('range' as const), p: fc.integer({ min: 0, max: 60 }), n: fc.integer({ min: 1, max: 4 }) }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const mem = new PageMemory({ pages: 64 });
          mem.enableLogDirty();
          const logs = [mem.dirty, mem.attachDirtyLog(), mem.attachDirtyLog()];
          const model = logs.map(() => new Set<number>());
          let traps = 0;
          const write = (p: number): void => {
            if (model.some((m) => !m.has(p))) traps++;
            for (const m of model) m.add(p);
          };
          for (const op of ops) {
            if (op.k === 'w') {
              mem.write(op.p);
              write(op.p);
            } else if (op.k === 'range') {
              mem.writeRange(op.p, op.n);
              for (let p = op.p; p < op.p + op.n; p++) write(p);
            } else {
              expect(Array.from(logs[op.l]!.readAndClear())).toEqual([...model[op.l]!].sort((a, b) => a - b));
              model[op.l]!.clear();
            }
          }
          expect(mem.takeTraps()).toBe(traps);
        },
      ),
    );
  });
});
