/**
 * Suites: running the runs of a suite in parallel worker processes and
 * collecting their summaries.
 *
 * @module
 */

export {
  type CompletedRun,
  type DivergedRun,
  type FailedRun,
  runSuite,
  type RunSuiteOptions,
  type SuiteEndEvent,
  type SuiteEvent,
  type SuiteOutputEvent,
  type SuiteResult,
  type SuiteRunResult,
  type SuiteStartEvent,
} from "./run_suite.ts";
