import Distributed
import Foundation
import OptionParsing
import TensorCore
import Training

/// `mtrl-dist train`: the distributed multi-task trainer (run under mpirun, or alone as one rank).
enum TrainCommand: Command {
    static let spec: CommandSpec = {
        let defaults = TrainConfig()
        let help: [String: String] = [
            "env": "Environment: rware, lbf, connector.", "algo": "Loss: oryx, cql, bc.",
            "data": "Dataset directory (holds <env>/<task>.mtds from `mtrl-dist collect`).",
            "tasks": "train, test, or comma-separated task ids.", "embed": "Embedding size E.", "heads": "Retention heads H.",
            "blocks": "Encoder/decoder blocks.", "batch": "Minibatch size B (windows per update, all ranks together).",
            "chunk": "Window length T in timesteps.", "steps": "Number of updates.", "seed": "Seed of init, sampling, evaluation.",
            "out": "Run directory (config, metrics, checkpoints, final.json).", "lr": "Adam learning rate.",
            "weight-decay": "Decoupled weight decay.", "gamma": "Discount.", "tau": "Polyak rate of the target network.",
            "max-grad-norm": "Global-norm gradient clipping.", "value-temperature": "ICQ α_v.",
            "policy-temperature": "ICQ α_π.", "critic-coef": "Critic loss weight c_Q.", "cql-weight": "CQL penalty weight.",
            "value": "Critic: hlgauss (classification) or mse.", "bins": "HL-Gauss bins K.",
            "vmin": "HL-Gauss support minimum (auto: data range + 10%).", "vmax": "HL-Gauss support maximum.",
            "batching": "balanced, proportional, or single-task.", "agent-shuffle": "Shuffle agent slots each update: on/off.",
            "masking": "Mask padded agents out of retention and losses: on/off.",
            "log-every": "Updates between progress lines and metric rows.", "eval-every": "Updates between evaluations (0 = none).",
            "checkpoint-every": "Updates between checkpoints (0 = only at the end).",
            "eval-episodes": "Episodes per task at periodic evaluations.",
            "final-eval-episodes": "Episodes per task for the final evaluation of the best parameters (the latest with --eval-every 0).",
            "select-by": "Split whose mean normalised return picks the best checkpoint: train or test.",
            "checksum-every": "Updates between cross-rank parameter checksums (0 = never).",
            "blas-threads": "Compute threads per rank (matrix products and kernels; OpenBLAS itself runs single-threaded).",
        ]
        let placeholders: [String: String] = ["data": "DIR", "out": "RUN_DIR", "tasks": "LIST"]
        let settings = TrainConfig.keys.map { key in
            OptionSpec.value(key, placeholders[key] ?? "V", help[key] ?? "", default: defaults.value(of: key))
        }
        return CommandSpec(
            name: "train", summary: "Train one Sable model on many tasks (run with mpirun -n R for R ranks).",
            options: [.value("config", "FILE", "JSON file of settings (keys as the flags); flags override it.")] + settings + [
                .value("resume", "RUN_DIR", "Continue the run in RUN_DIR from its latest checkpoint (its config.json, then flags)."),
                .value("simulate-ranks", "R", "Run R ranks' work one after another in this process (debugging)."),
                .value("dump-gradient", "PATH", "Write the all-reduced gradient of the first update (raw Float32) and exit."),
            ],
            discussion: "Exit codes: 0 done, 1 error, 2 bad usage, 75 stopped by SIGTERM/SIGUSR1 after writing a checkpoint.")
    }()

    static func run(_ options: ParsedOptions) throws -> Int32 {
        var config = TrainConfig()
        let resumeDirectory = options.string("resume")
        if let resumeDirectory { try config.load(file: RunDirectory(path: resumeDirectory).configFile) }
        if let file = options.string("config") { try config.load(file: file) }
        for key in TrainConfig.keys where options.isSet(key) { try config.set(key, options.string(key)!) }
        if let resumeDirectory { config.out = resumeDirectory }
        let simulated = try options.int("simulate-ranks", in: 1...4096)
        BLAS.setThreadCount(config.blasThreads)

        if let simulated {
            let trainer = try Trainer(config: config, communicator: SingleProcessCommunicator(), simulatedRanks: simulated,
                                      resume: resumeDirectory != nil)
            return exitCode(try trainer.train(dumpGradientPath: options.string("dump-gradient")))
        }
        let world = try MPICommunicator.world()
        do {
            let trainer = try Trainer(config: config, communicator: world, resume: resumeDirectory != nil)
            let outcome = try trainer.train(dumpGradientPath: options.string("dump-gradient"))
            try world.finalize()
            return exitCode(outcome)
        } catch {
            // One failing rank must stop all of them, with its reason (MPI_Abort), never a hang.
            if world.size > 1 { world.abort(message: "\(error)") }
            throw error
        }
    }

    static func exitCode(_ outcome: TrainingOutcome) -> Int32 {
        outcome == .checkpointedOnSignal ? SignalFlag.checkpointedExitCode : 0
    }
}
