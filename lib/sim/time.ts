/**
 * Simulated time is an integer number of nanoseconds in a JS number (exact up to 2^53 ns ≈ 104
 * days). These helpers convert at the edges; inside the model everything is ns.
 */
export type Nanos = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Round to the nanosecond so that sums of durations stay exact integers. */
export const us = (x: number): Nanos => Math.round(x * NS_PER_US);
export const ms = (x: number): Nanos => Math.round(x * NS_PER_MS);
export const s = (x: number): Nanos => Math.round(x * NS_PER_S);
