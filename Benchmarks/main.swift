import Foundation

// mtrl-bench: prints figures, asserts nothing. Run through Benchmarks/run.sh, which unsets
// OPENBLAS_CORETYPE so the figures show what the hardware can do.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    USAGE: mtrl-bench <benchmark> [options]
      linear    model linear layer forward+backward vs raw sgemm  [--embeddings 64,512,768] [--rows 2048,16384]
      oryx      one full Oryx update (ms, agent-tokens/s, MFU, peak memory)   [see --help of the benchmark]
      env       environment steps/s for 1 and 256 copies          [--tasks ID,ID] [--seconds S]
      sampler   sampled chunks/s and MB/s                          [--env E --episodes N --out DIR | --dataset PATH]
      bootstrap stratified bootstrap intervals and P(X > Y)        [--runs 3] [--tasks 15] [--reps 2000]
      optimizer clip + Adam + Polyak ms on 1 and more threads       [--floats 117232,7300000] [--threads 1,2] [--repeats 9]
      online    online Sable: acting vs training agent-steps/s      [--tasks ID,ID] [--updates 3]
    Rank scaling of the trainer: Benchmarks/scaling.sh
    """
let rest = Array(arguments.dropFirst())
switch arguments.first {
case "linear": LinearBenchmark.run(arguments: rest)
case "oryx": OryxUpdateBenchmark.run(arguments: rest)
case "env": EnvironmentBenchmark.run(arguments: rest)
case "sampler": SamplerBenchmark.run(arguments: rest)
case "bootstrap": BootstrapBenchmark.run(arguments: rest)
case "optimizer": OptimizerBenchmark.run(arguments: rest)
case "online": OnlineBenchmark.run(arguments: rest)
default:
    print(usage)
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 2)
}
