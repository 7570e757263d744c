import { describe, expect, it } from 'vitest';
import { ClientGapMeter, OUTPUT_SERIES_MAX } from '../../../lib/engines/remus/outage.js';
import type { Packet } from '../../../lib/vm/index.js';

/*
 * The client outage meter on its own: packets released to clients at chosen times (in ms), a crash
 * marked between them. (outage.test.ts measures it over whole runs.)
 */

const MS = 1e6;

function packet(client: number, epoch = 1): Packet {
  return { bytes: 100, client, kind: 'reply', epoch, seq: 0 };
}

/** A meter that saw `client` served at each of `atMs`. */
function served(meter: ClientGapMeter, client: number, atMs: number[], epoch = 1): void {
  for (const t of atMs) meter.observe(packet(client, epoch), t * MS);
}

describe('ClientGapMeter: the output series', () => {
  it('has one row per released packet: when, to whom, from which epoch, after what gap for that client', () => {
    const m = new ClientGapMeter();
    m.observe(packet(0, 3), 10 * MS);
    m.observe(packet(1, 3), 12 * MS);
    m.observe(packet(0, 4), 25 * MS);
    expect(m.rows).toEqual([
      { timeS: 0.01, client: 0, epoch: 3, gapMs: null, lost: false },
      { timeS: 0.012, client: 1, epoch: 3, gapMs: null, lost: false },
      { timeS: 0.025, client: 0, epoch: 4, gapMs: 15, lost: false },
    ]);
  });

  it('keeps only the first OUTPUT_SERIES_MAX rows, while the gaps go on being measured', () => {
    const m = new ClientGapMeter();
    for (let i = 0; i < OUTPUT_SERIES_MAX + 3; i++) m.observe(packet(0), i * MS);
    expect(m.rows.length).toBe(OUTPUT_SERIES_MAX);
    expect(m.rows[OUTPUT_SERIES_MAX - 1]!.timeS).toBe((OUTPUT_SERIES_MAX - 1) / 1000);
    // A crash after the series stopped recording is still measured.
    m.markCrash((OUTPUT_SERIES_MAX + 2.5) * MS);
    m.observe(packet(0), (OUTPUT_SERIES_MAX + 2 + 500) * MS);
    expect(m.outageMs(Number.POSITIVE_INFINITY)).toBeCloseTo(499, 6);
  });

  it('is measured once some client received two packets', () => {
    const m = new ClientGapMeter();
    expect(m.measured).toBe(false);
    served(m, 0, [1]);
    served(m, 1, [2]);
    expect(m.measured).toBe(false);
    served(m, 1, [3]);
    expect(m.measured).toBe(true);
  });
});

describe('ClientGapMeter: clientOutageMs across a crash', () => {
  it('is undefined without a crash, or when no client had been served before it', () => {
    const m = new ClientGapMeter();
    served(m, 0, [0, 10, 20]);
    expect(m.outageMs(1000 * MS)).toBeUndefined();
    const early = new ClientGapMeter();
    early.markCrash(0);
    served(early, 0, [900, 910]);
    expect(early.outageMs(1000 * MS)).toBeUndefined();
  });

  it('remembers when the crash was marked (−1 until then)', () => {
    const m = new ClientGapMeter();
    expect(m.crashAtNs).toBe(-1);
    m.markCrash(35 * MS);
    expect(m.crashAtNs).toBe(35 * MS);
  });

  it('a recovered client: the gap across the crash beyond the mean of its other gaps', () => {
    const m = new ClientGapMeter();
    served(m, 0, [0, 10, 20, 30]);
    m.markCrash(35 * MS);
    // Served again at 1030 ms and then normally: the 1000 ms gap against a normal 10 ms.
    served(m, 0, [1030, 1040]);
    expect(m.outageMs(5000 * MS)).toBeCloseTo(990, 9);
  });

  it('a client that got nothing after the crash waits until the end, beyond the mean of all its gaps', () => {
    const m = new ClientGapMeter();
    served(m, 0, [0, 10, 30]);
    m.markCrash(35 * MS);
    expect(m.outageMs(2030 * MS)).toBeCloseTo(2000 - 15, 9);
  });

  it('a client with no gap of its own before the crash counts the whole span', () => {
    const recovered = new ClientGapMeter();
    served(recovered, 0, [30]);
    recovered.markCrash(35 * MS);
    served(recovered, 0, [1030]);
    expect(recovered.outageMs(5000 * MS)).toBe(1000);
    const silent = new ClientGapMeter();
    served(silent, 0, [30]);
    silent.markCrash(35 * MS);
    expect(silent.outageMs(2030 * MS)).toBe(2000);
  });

  it('is the worst client’s wait', () => {
    const m = new ClientGapMeter();
    served(m, 0, [0, 10, 20]);
    served(m, 1, [5, 25]);
    m.markCrash(30 * MS);
    served(m, 1, [525]); // 500 ms against a normal 20 ms
    served(m, 0, [320]); // 300 ms against a normal 10 ms
    expect(m.outageMs(5000 * MS)).toBeCloseTo(480, 9);
  });

  it('only the first crash counts: a later mark changes neither its time nor the clients’ last packets', () => {
    const m = new ClientGapMeter();
    served(m, 0, [0, 10, 20, 30]);
    m.markCrash(35 * MS);
    served(m, 0, [1030, 1040]);
    m.markCrash(1500 * MS);
    served(m, 0, [1600]);
    expect(m.crashAtNs).toBe(35 * MS);
    // Gaps 10, 10, 10, 1000, 10, 560: the others' mean is 600 / 5 = 120.
    expect(m.outageMs(5000 * MS)).toBeCloseTo(1000 - 120, 9);
  });
});
