import Distributed
import Foundation
import OptionParsing
import TensorCore
import Training

/// `mtrl-dist train`: the distributed multi-task trainer (run under mpirun, or alone as one rank).
enum TrainCommand: Command {
    static let spec = CommandSpec(
        name: "train", summary: "Train one Sable model on many tasks (run with mpirun -n R for R ranks).",
        options: [.value("config", "FILE", "JSON file of settings (keys as the flags); flags override it.")]
            + TrainConfig.settings.map { .value($0.key, $0.placeholder, $0.helpText, default: $0.defaultValue) }
            + [
                .value("resume", "RUN_DIR", "Continue the run in RUN_DIR from its latest checkpoint (its config.json, then flags)."),
                .value("simulate-ranks", "R", "Run R ranks' work one after another in this process (debugging)."),
                .value("dump-gradient", "PATH", "Write the all-reduced gradient of the first update (raw Float32) and exit."),
            ],
        discussion: "Exit codes: 0 done, 1 error, 2 bad usage, 75 stopped by SIGTERM/SIGUSR1 after writing a checkpoint.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        var config = TrainConfig()
        let resumeDirectory = options.string("resume")
        if let resumeDirectory { config = try TrainConfig.saved(file: RunDirectory(path: resumeDirectory).configFile) }
        if let file = options.string("config") { try config.load(file: file) }
        for setting in TrainConfig.settings where options.isSet(setting.key) { try setting.set(options.string(setting.key)!, in: &config) }
        if let resumeDirectory { config.out = resumeDirectory }
        let simulated = try options.int("simulate-ranks", in: 1...4096)
        BLAS.setThreadCount(config.blasThreads)

        if let simulated {
            let trainer = try Trainer(config: config, communicator: SingleProcessCommunicator(), simulatedRanks: simulated,
                                      resume: resumeDirectory != nil)
            return exitCode(try trainer.train(dumpGradientPath: options.string("dump-gradient")))
        }
        return try withWorld { world in
            world.collectiveTimeoutSeconds = Double(config.collectiveTimeout)
            let trainer = try Trainer(config: config, communicator: world, resume: resumeDirectory != nil)
            return exitCode(try trainer.train(dumpGradientPath: options.string("dump-gradient")))
        }
    }

    static func exitCode(_ outcome: TrainingOutcome) -> Int32 {
        outcome == .checkpointedOnSignal ? SignalFlag.checkpointedExitCode : 0
    }
}
