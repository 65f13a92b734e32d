import Distributed
import Environments
import Foundation
import Online
import OptionParsing

/// `mtrl-dist online`: online Sable (PPO) on one task, printing a learning curve (online-sable.md §1.10).
enum OnlineCommand: Command {
    static let spec = CommandSpec(
        name: "online", summary: "Train memory Sable online with PPO on one task and print its learning curve.",
        options: [
            .value("task", "ID", "The task.", required: true),
            .value("updates", "U", "Updates (rollout, GAE, PPO epochs).", default: "20"),
            .value("envs", "E", "Envs per rank.", default: "16"),
            .value("steps", "T", "Timesteps per rollout.", default: "128"),
            .value("epochs", "K", "PPO epochs per rollout.", default: "10"),
            .value("minibatches", "M", "Minibatches per epoch (whole env sequences; must divide --envs).", default: "1"),
            .value("chunk", "C", "Timesteps per retention chunk of the training form (larger than --steps: the whole rollout).", default: "16"),
            .value("lr", "LR", "Adam learning rate.", default: "5e-4"),
            .value("max-grad-norm", "G", "Global gradient-norm clip.", default: "10"),
            .value("seed", "S", "Seed (parameters, envs, actions, shuffles).", default: "0"),
        ],
        discussion: "Prints one tab-separated line per update (rank 0): update, env_steps (all ranks), episodes (ended "
            + "during the update's rollouts), mean_return (of those, - when none), loss, actor, value, entropy, "
            + "approx_kl, clip_fraction. Under mpirun every rank collects its own envs and the ranks average gradients.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let task = try TaskRegistry.task(id: try options.requiredString("task"))
        var settings = OnlineRunSettings()
        settings.updates = try options.int("updates", in: 1...10_000_000) ?? settings.updates
        settings.envs = try options.int("envs", in: 1...4096) ?? settings.envs
        settings.steps = try options.int("steps", in: 1...100_000) ?? settings.steps
        settings.update.epochs = try options.int("epochs", in: 1...1000) ?? settings.update.epochs
        settings.update.minibatches = try options.int("minibatches", in: 1...settings.envs) ?? settings.update.minibatches
        settings.update.chunkSteps = try options.int("chunk", in: 1...100_000) ?? settings.update.chunkSteps
        settings.update.adam.learningRate = Float(try options.double("lr", in: 1e-9...1) ?? Double(settings.update.adam.learningRate))
        settings.update.maxGradNorm = Float(try options.double("max-grad-norm", in: 1e-6...1e9) ?? Double(settings.update.maxGradNorm))
        settings.seed = UInt64(try options.int("seed", in: 0...Int.max) ?? 0)
        guard settings.envs % settings.update.minibatches == 0 else {
            throw OptionError.malformedValue(command: spec.name, option: "minibatches", value: "\(settings.update.minibatches)",
                                             expected: "a divisor of --envs \(settings.envs)")
        }
        settings.update.chunkSteps = min(settings.update.chunkSteps, settings.steps)
        return try withWorld { world in
            let trainer = try OnlineTrainer(task: task, settings: settings, communicator: world)
            if world.rank == 0 { print("update\tenv_steps\tepisodes\tmean_return\tloss\tactor\tvalue\tentropy\tapprox_kl\tclip_fraction") }
            try trainer.run { record in
                guard world.rank == 0 else { return }
                let t = record.terms
                let mean = record.meanReturn.map { String(format: "%.4f", $0) } ?? "-"
                print([String(record.update), String(record.environmentSteps), String(record.episodes), mean]
                      .joined(separator: "\t") + "\t"
                      + [t.total, t.actor, t.value, t.entropy, t.approximateKL, t.clipFraction]
                      .map { String(format: "%.6g", $0) }.joined(separator: "\t"))
                fflush(nil)
            }
            return 0
        }
    }
}
