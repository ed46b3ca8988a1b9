/**
 * What a benchmark is to the runner (bench/run.ts). A benchmark is one file in bench/suite/
 * named `NN-name.bench.ts` whose default export is a Benchmark; the runner finds the files, runs
 * them in name order and prints one table. Benchmarks added later (the federation's 4-6) are
 * just more files there.
 */
export interface Figure {
  value: number;
  unit: string;
}

export interface BenchResult {
  /** The number of the benchmark, with a letter for a second figure (e.g. "1", "1b"). */
  id: string;
  name: string;
  figure: Figure;
  /** What the figure is compared with, measured in the same run on the same machine. */
  baseline: Figure & { label: string };
  /** figure / baseline; what "better" means depends on the figure (see `higherIsBetter`). */
  ratio: number;
  higherIsBetter: boolean;
  /** The target in words, e.g. ">= 50000 signals/s". */
  target: string;
  pass: boolean;
  /** Anything a reader needs to read the figure: sizes, breakdowns, peak memory. */
  notes: string[];
}

export interface Benchmark {
  /** Shown in the table and used to select benchmarks on the command line (`npm run bench -- 2 3`). */
  id: string;
  name: string;
  run(env: BenchEnv): Promise<BenchResult[]>;
}

export interface BenchEnv {
  /** A folder of this run, removed at the end. */
  dir: string;
  /** Signals per large data set (BENCH_SIGNALS, default 1,000,000). */
  signals: number;
  /**
   * A data set built once per run and shared by the benchmarks that need it: the first to ask
   * builds it, later ones get the same value. A benchmark that writes to a shared data set must
   * be its last user, and say so.
   */
  fixture<T>(name: string, build: () => Promise<T>): Promise<T>;
  /** A line of progress on stderr (the table goes to stdout). */
  log(message: string): void;
}
