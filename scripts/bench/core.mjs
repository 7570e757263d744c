// Benchmarks of the foundation: the event kernel, logged page writes, page-state memory.
// Each entry: { name, value, unit, target, better } (docs/design.md#benchmarks). Imports the compiled dist/.
import { pathToFileURL } from 'node:url';
import { Simulation, PageMemory } from '../../dist/lib/index.js';

function best(times, fn) {
  let out = Infinity;
  for (let i = 0; i < times; i++) out = Math.min(out, fn());
  return out;
}

/** Events per second through the heap: a steady population of 1,000 self-rescheduling timers. */
function kernelEventsPerS() {
  const total = 2_000_000;
  const ms = best(3, () => {
    const sim = new Simulation();
    let left = total;
    const timer = (d) => {
      const fire = () => {
        if (--left > 0) sim.schedule(d, fire);
      };
      return fire;
    };
    for (let i = 0; i < 1000; i++) sim.schedule(i, timer(997 + (i % 13)));
    const t0 = performance.now();
    sim.run();
    return performance.now() - t0;
  });
  return { name: 'kernel.eventsPerS', value: Math.round(total / (ms / 1000)), unit: 'events/s', target: 5_000_000, better: 'higher' };
}

/** Logged page writes per second: log-dirty mode on, random pages of a 4 GiB guest. */
function vmPageWritesPerS() {
  const mem = new PageMemory({ pages: 1 << 20 });
  const pages = new Int32Array(1 << 16);
  let x = 12345;
  for (let i = 0; i < pages.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    pages[i] = x % mem.pages;
  }
  const rounds = 400;
  const ms = best(3, () => {
    mem.enableLogDirty();
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      mem.writeMany(pages);
      if (r % 50 === 49) mem.dirty.readAndClear();
    }
    return performance.now() - t0;
  });
  return { name: 'vm.pageWritesPerS', value: Math.round((rounds * pages.length) / (ms / 1000)), unit: 'writes/s', target: 50_000_000, better: 'higher' };
}

/** Heap + array-buffer growth for the page state of a 16 GiB guest in log-dirty mode, all pages dirty. */
function vmPageStateBytes16GiB() {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const mem = new PageMemory({ pages: (16 * 1024 * 1024) / 4 });
  mem.enableLogDirty();
  mem.writeRange(0, mem.pages);
  globalThis.gc?.();
  const after = process.memoryUsage();
  const grow = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  if (mem.dirty.count !== mem.pages) throw new Error('benchmark did not dirty every page');
  return { name: 'vm.pageStateBytes16GiB', value: grow, unit: 'bytes', target: 64 * 1024 * 1024, better: 'lower' };
}

export async function benchCore() {
  return [kernelEventsPerS(), vmPageWritesPerS(), vmPageStateBytes16GiB()];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(JSON.stringify(await benchCore(), null, 2));
