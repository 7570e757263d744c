import type { Row } from '../analysis/rows.js';
import type { HostCostName, HostProfileName } from '../engines/host-profiles.js';
import type { TopLevelSpec } from '../analysis/figures/index.js';
import type { Summary } from '../metrics/index.js';
import type { ParamValue } from '../params/index.js';
import type { RunResult } from '../scenario/result.js';

/** The calibration rows of docs/design.md#calibration. */
export const CALIBRATION_ROWS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10'] as const;
export type CalibrationRow = (typeof CALIBRATION_ROWS)[number];

/**
 * A check's tolerance (docs/design.md#calibration): the larger of `pct` % of the published value (of a range's
 * midpoint), `abs` in the check's unit, and 5 % of the paper figure's full scale.
 */
export interface Tolerance {
  readonly pct?: number;
  /** Absolute, in the check's unit (rounds ±2, overhead ±15 points). */
  readonly abs?: number;
  /** The paper figure's full scale, in the check's unit: 5 % of it is the floor. */
  readonly fullScale?: number;
  /** Where the numbers come from — the issue that set them, or why they were chosen. */
  readonly why: string;
}

/** One published number, or a range read off a figure (`≈45–50 k`). */
export type Published = number | readonly [number, number];

/** One published number of a calibration row and the simulated metric it is compared with. */
export interface Check {
  readonly label: string;
  /** A column of the experiment's rows (a metric, a derived metric, `inv.*`). */
  readonly metric: string;
  readonly unit: string;
  /** The grid point the published value belongs to (absent: every point of the sweep). */
  readonly where?: Readonly<Record<string, ParamValue>>;
  readonly published: Published;
  readonly tolerance: Tolerance;
  /**
   * The model constant this check reads back was fitted to (or set from) this very published value,
   * with its source: the check confirms the engine reproduces its input — not a prediction. The
   * report marks it so, and counts rows whose every check is fitted separately.
   */
  readonly fitted?: string;
  /** The quantity can fall below zero (an overhead): its interval is Student t whatever its bounds. */
  readonly signed?: true;
}

/** The sweep an experiment runs: a sweep spec without its name (the experiment id is the name). */
export interface SweepPlan {
  /** The engine of every point; left out when `grid.engine` lists several (a comparison). */
  readonly engine?: string;
  readonly workload: string;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly grid?: Readonly<Record<string, readonly ParamValue[]>>;
  readonly replicates: number;
  readonly seed?: number;
  /** Per point; a point over it is recorded as a timeout and reported. */
  readonly timeLimitS?: number;
}

/** `--quick` overrides: params and grid keys replace the full plan's, key by key. */
export interface QuickPlan {
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly grid?: Readonly<Record<string, readonly ParamValue[]>>;
  readonly replicates?: number;
  readonly timeLimitS?: number;
}

/** A metric the report summarizes per grid point (mean and 95 % CI over replicates). */
export interface Shown {
  readonly metric: string;
  readonly label: string;
  readonly unit: string;
  /** `fraction`: a boolean column (an invariant), reported as the share of runs where it held. */
  readonly kind?: 'number' | 'fraction';
  /** The quantity can fall below zero (an overhead): its interval is Student t whatever its bounds. */
  readonly signed?: true;
  /**
   * A model constant was fitted so that this metric matches a published value (with its source):
   * the report marks the metric as fitted rather than predicted.
   */
  readonly fitted?: string;
}

/**
 * Host costs (ns, lib/engines/host-profiles.ts) whose sum is a fixed part of a metric in ms — the same
 * in every run, whatever the workload does: the report states it beside the metric.
 */
export interface FixedCostSpec {
  readonly metric: string;
  readonly label: string;
  /** The host profile the engine uses unless `host.profile` says otherwise. */
  readonly profile: HostProfileName;
  readonly parts: readonly { readonly cost: HostCostName; readonly what: string }[];
  /** What the rest of the metric is made of. */
  readonly rest: string;
}

/** A fixed cost with the values the experiment's parameters resolve to. */
export interface FixedCost {
  readonly spec: FixedCostSpec;
  /** `key`: the `host.<cost>` parameter that overrides it. */
  readonly parts: readonly { readonly key: string; readonly what: string; readonly ms: number }[];
  readonly totalMs: number;
}

/** What a figure builder gets: the experiment's finished rows and, if asked for, one full run. */
export interface FigureContext {
  /** Rows with status ok, derived metrics added. */
  readonly rows: readonly Row[];
  /** The run of the experiment's `detail` point (replicate 0), with its series. */
  readonly detail?: RunResult;
  readonly quick: boolean;
}

/** Which worker runner a sweep uses. `series-peaks` adds metrics derived from `series.dirty`. */
export type RunnerKind = 'scenario' | 'series-peaks';

/** A paper experiment, as data: what to run, what to read, what the paper published. */
export interface MeasuredExperiment {
  readonly kind: 'measured';
  /** Store and figure name; stable. */
  readonly id: string;
  readonly title: string;
  /** The paper figure this is the counterpart of. */
  readonly paperFigure: string;
  readonly calibration?: CalibrationRow;
  /** One line for the report's setup column. */
  readonly setup: string;
  readonly sweep: SweepPlan;
  readonly quick: QuickPlan;
  readonly runner?: RunnerKind;
  /** Extra columns computed from each ok row (unit conversions, the native time from the twin). */
  readonly derive?: (row: Row) => Readonly<Record<string, number | undefined>>;
  readonly show: readonly Shown[];
  readonly checks?: readonly Check[];
  /**
   * Why a row is outside its tolerance, when the engine's owner knows (shown with the flag). Left
   * empty, the report says the row is outside and points to the docs.
   */
  readonly explanation?: string;
  /**
   * How the model produces what the experiment shows (the mechanisms behind a prediction), printed
   * with its details.
   */
  readonly mechanism?: string;
  /** Run this point (replicate 0) once more in-process for its series (rows do not carry them). */
  readonly detail?: { readonly where?: Readonly<Record<string, ParamValue>> };
  readonly figure?: (ctx: FigureContext) => TopLevelSpec;
  /** A fixed part of a metric (the downtime's suspend and start-up), resolved from the sweep's parameters. */
  readonly fixedCost?: FixedCostSpec;
}

/** A calibration row that is a configuration (C9, the testbed): parameters shown, nothing run. */
export interface ConfigurationExperiment {
  readonly kind: 'configuration';
  readonly id: string;
  readonly title: string;
  readonly paperFigure: string;
  readonly calibration: CalibrationRow;
  readonly setup: string;
  /** The published configuration, as docs/design.md#calibration words it. */
  readonly published: string;
  /** Engine/workload pairs whose resolved defaults are shown; the first available is used. */
  readonly resolveWith: readonly (readonly [engine: string, workload: string])[];
  /** The values that match the published testbed. */
  readonly expect: Readonly<Record<string, ParamValue>>;
  readonly explanation?: string;
}

export type Experiment = MeasuredExperiment | ConfigurationExperiment;

/** A check against the simulated rows. */
export interface CheckResult {
  readonly check: Check;
  /** Over the matching ok rows; absent when nothing was measured. */
  readonly summary?: Summary;
  /** The tolerance in the check's unit. */
  readonly tolerance: number;
  /**
   * `within`/`outside` judged on the mean; `no-value` when the metric was not reported;
   * `skipped` when the point is not part of this (quick) run.
   */
  readonly status: 'within' | 'outside' | 'no-value' | 'skipped';
  readonly note?: string;
  /** Set when the summary's interval is a percentile bootstrap (the resamples it drew), not Student t. */
  readonly bootstrap?: number;
}

/** A summarized metric at one grid point. */
export interface MetricGroup {
  readonly shown: Shown;
  readonly key: Readonly<Record<string, ParamValue | null>>;
  readonly summary: Summary;
  /** Set when the summary's interval is a percentile bootstrap (the resamples it drew), not Student t. */
  readonly bootstrap?: number;
}

/** A point that did not finish: reported, never dropped. */
export interface FailedPoint {
  readonly index: number;
  readonly replicate: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly status: 'error' | 'timeout';
  readonly error: string;
}

export type ExperimentOutcome =
  | { readonly kind: 'not-run'; readonly reason: string }
  | {
      readonly kind: 'configuration';
      /** `engine / workload` whose resolved parameters these are. */
      readonly resolvedFor: string;
      readonly values: Readonly<Record<string, ParamValue>>;
      readonly mismatches: readonly string[];
    }
  | {
      readonly kind: 'ran';
      readonly points: number;
      readonly ok: number;
      readonly failed: readonly FailedPoint[];
      /** The fixed parameters of this run's sweep (quick overrides applied). */
      readonly fixed: Readonly<Record<string, ParamValue>>;
      /** Grid keys the groups vary over. */
      readonly gridKeys: readonly string[];
      readonly groups: readonly MetricGroup[];
      readonly checks: readonly CheckResult[];
      /** Relative to the report: `figures/<id>` (without extension). */
      readonly figure?: string;
      readonly figureError?: string;
      /** Relative to the report. */
      readonly store: string;
      /** Things the reader should know (a replaced stale store, a detail run that failed). */
      readonly notes: readonly string[];
      readonly fixedCost?: FixedCost;
    };

export interface ReportEntry {
  readonly experiment: Experiment;
  readonly outcome: ExperimentOutcome;
}

export interface ReportInput {
  readonly modelVersion: string;
  readonly toolkitVersion: string;
  /** How it was produced, e.g. `vmft reproduce --quick`. */
  readonly command: string;
  readonly quick: boolean;
  /** Only when passed in: the report stays byte-identical otherwise. */
  readonly date?: string;
  readonly entries: readonly ReportEntry[];
}
