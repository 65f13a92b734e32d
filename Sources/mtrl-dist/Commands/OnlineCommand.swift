import Distributed
import Foundation
import Online
import OptionParsing
import TensorCore
import Training

/// `mtrl-dist online`: online Sable (PPO) on one task with a run directory (online-sable.md §1.8–§1.10, §3).
enum OnlineCommand: Command {
    static let spec = CommandSpec(
        name: "online", summary: "Train memory Sable online with PPO on one task (run with mpirun -n R for R ranks).",
        options: OnlineRunSettings.settings.map {
            .value($0.key, $0.placeholder, $0.helpText, default: $0.key == "task" ? nil : $0.defaultValue, required: $0.key == "task")
        },
        discussion: "Writes RUN_DIR/config.json, metrics.csv (per update: env steps, finished training episodes and their mean "
            + "return, loss terms, approx_kl, clip_fraction, acting and training seconds, env agent-steps/s), eval.csv "
            + "(periodic evaluations of the sampled policy), checkpoints/{latest,previous,best}.ckpt and final.json (R_final "
            + "and R_max with standard errors). Running it again on the same RUN_DIR with the same settings continues the "
            + "run from its latest checkpoint (--updates, the evaluation settings and --out may change). Every "
            + "--checkpoint-every updates all training envs start fresh episodes, so that a continued run equals an "
            + "uninterrupted one. Under mpirun every rank collects its own envs and the ranks train one learner. "
            + "Exit codes: 0 done, 1 error, 2 bad usage, 75 stopped by SIGTERM/SIGINT/SIGUSR1 (restart to continue).")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        var settings = OnlineRunSettings()
        if let set = options.string("settings-set") { try OnlineRunSettings.setting("settings-set").set(set, in: &settings) }
        settings = settings.settingsSet.applied(to: settings)
        for setting in OnlineRunSettings.settings where options.isSet(setting.key) {
            try setting.set(options.string(setting.key)!, in: &settings)
        }
        _ = try settings.validate()  // usage errors before MPI starts
        return try withWorld { world in
            let trainer = try OnlineTrainer(settings: settings, communicator: world)
            let outcome = try trainer.runRecording()
            return outcome == .checkpointedOnSignal ? SignalFlag.checkpointedExitCode : 0
        }
    }
}
