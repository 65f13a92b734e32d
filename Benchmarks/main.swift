import Foundation

// mtrl-bench: prints figures, asserts nothing. Run through Benchmarks/run.sh, which unsets
// OPENBLAS_CORETYPE so the figures show what the hardware can do.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    USAGE: mtrl-bench <benchmark> [options]
      env       environment steps/s for 1 and 256 copies   [--tasks ID,ID] [--seconds S]
    """
switch arguments.first {
case "env": EnvironmentBenchmark.run(arguments: Array(arguments.dropFirst()))
default:
    print(usage)
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 2)
}
