/**
 * The records a run produces, shared by every layer that writes them (engines, workloads, the
 * scenario) and every layer that reads them (sweeps, analysis, the reproduction). They live here, at
 * the bottom of the import graph, so that no producer has to import upwards to name them.
 */

/** One record of a series (a round, an epoch, a timeline event, a sample): flat and JSON-safe. */
export type SeriesRecord = Record<string, number | string | boolean | null>;
