// The runner the sweep benchmarks use: `bench.work` iterations of integer arithmetic (a fixed
// amount of CPU, so a busy machine shows up as a lower speedup instead of being hidden by a
// wall-clock spin), or nothing at all when it is 0.
export function spin(work) {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < work; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

export function runScenario(req) {
  const work = Number(req.params?.['bench.work'] ?? 0);
  const x = spin(work);
  return {
    engine: req.engine,
    workload: req.workload,
    seed: req.seed,
    params: req.params ?? {},
    metrics: { checksum: x },
    invariants: {},
    series: {},
    modelVersion: 'bench',
  };
}
