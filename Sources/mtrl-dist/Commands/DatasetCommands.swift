import BinaryFormat
import Datasets
import Environments
import Foundation
import Model
import OptionParsing
import TensorCore
import Training

/// The one PATH argument (a .mtds file or a directory) of `dataset inspect` and `dataset verify`.
private func onePath(_ options: ParsedOptions) throws -> String {
    guard let path = options.positionals.first, options.positionals.count == 1 else {
        throw OptionError.missingArgument(command: options.command.name, placeholder: "one PATH (a .mtds file or a directory)")
    }
    return path
}

/// `mtrl-dist dataset inspect PATH`.
enum DatasetInspectCommand: Command {
    static let spec = CommandSpec(
        name: "dataset inspect", summary: "Tasks, episodes, transitions and returns per quality stage of datasets.",
        options: [], positionals: "PATH")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        print(try DatasetInspector.inspect(path: try onePath(options)))
        return 0
    }
}

/// `mtrl-dist dataset verify PATH`.
enum DatasetVerifyCommand: Command {
    static let spec = CommandSpec(
        name: "dataset verify", summary: "Check datasets: structure, finite values, every checksum, the task each file holds; exit 1 on any failure.",
        options: [], positionals: "PATH")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let report = try DatasetInspector.verify(path: try onePath(options))
        print(report.text)
        return report.allPassed ? 0 : 1
    }
}

/// `mtrl-dist dataset subsample`.
enum DatasetSubsampleCommand: Command {
    static let spec = CommandSpec(
        name: "dataset subsample", summary: "Write a smaller dataset keeping a fraction of each quality stage's episodes.",
        options: [
            .value("fraction", "F", "Fraction of episodes to keep, in (0, 1].", required: true),
            .value("out", "DIR", "Output directory (files go to DIR/<env>/<task>.mtds; an existing file is never replaced).",
                   required: true),
            .value("seed", "S", "Seed of the episode choice.", default: "0"),
        ], positionals: "PATH")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        guard let path = options.positionals.first, options.positionals.count == 1 else {
            throw OptionError.missingArgument(command: spec.name, placeholder: "one dataset PATH")
        }
        let fraction = try options.double("fraction", in: 1e-9...1)!
        let seed = UInt64(try options.int("seed", in: 0...Int.max) ?? 0)
        print(try DatasetSubsampler.subsample(source: path, destination: try options.requiredString("out"), fraction: fraction, seed: seed))
        return 0
    }
}

/// `mtrl-dist dataset learnability DATA --task ID`: can a policy that sees observations learn the data?
enum DatasetLearnabilityCommand: Command {
    static let spec = CommandSpec(
        name: "dataset learnability",
        summary: "Behaviour-clone one task's data; report action accuracy (training and held-out) and return vs the behaviour.",
        options: [
            .value("task", "ID", "Task whose dataset DATA/<env>/<ID>.mtds is checked.", required: true),
            .value("updates", "N", "BC updates.", default: "3000"),
            .value("embed", "E", "Embedding size.", default: "64"),
            .value("batch", "B", "Windows per update.", default: "32"),
            .value("chunk", "T", "Window length.", default: "20"),
            .value("lr", "X", "Adam learning rate.", default: "0.001"),
            .value("held-out", "F", "Share of each quality stage's episodes held out of training.", default: "0.1"),
            .value("episodes", "N", "Episodes of the BC policy in the environment.", default: "100"),
            .value("seed", "S", "Seed of the split, the model and the evaluation.", default: "1"),
            .value("threads", "K", "Compute threads.", default: "1"),
            .value("work", "DIR", "Folder for the split datasets and the BC run (default: a temporary folder, removed)."),
            .value("json", "PATH", "Also write the result as JSON."),
        ], positionals: "DATA")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        guard let data = options.positionals.first, options.positionals.count == 1 else {
            throw OptionError.missingArgument(command: spec.name, placeholder: "one DATA directory")
        }
        let task = try TaskRegistry.task(id: try options.requiredString("task"))
        var settings = LearnabilityCheck.Settings()
        settings.updates = try options.int("updates", in: 1...10_000_000) ?? settings.updates
        settings.embed = try options.int("embed", in: ModelConfig.embeddingRange) ?? settings.embed
        settings.batch = try options.int("batch", in: 1...65_536) ?? settings.batch
        settings.chunk = try options.int("chunk", in: 2...1_000) ?? settings.chunk
        settings.learningRate = try options.double("lr", in: 0...1) ?? settings.learningRate
        settings.heldOutFraction = try options.double("held-out", in: 0.001...0.9) ?? settings.heldOutFraction
        settings.evaluationEpisodes = try options.int("episodes", in: 1...1_000_000) ?? settings.evaluationEpisodes
        settings.seed = try options.int("seed", in: 0...Int(Int32.max)) ?? settings.seed
        settings.threads = try options.int("threads", in: 1...256) ?? settings.threads
        BLAS.setThreadCount(settings.threads)
        let temporary = options.string("work") == nil
        let work = options.string("work") ?? NSTemporaryDirectory() + "mtrl-learnability-\(getpid())"
        defer { if temporary { try? FileManager.default.removeItem(atPath: work) } }
        let result = try LearnabilityCheck.run(dataset: "\(data)/\(task.kind.rawValue)/\(task.id).mtds", task: task,
                                               settings: settings, workDirectory: work)
        print(result.summary)
        if let path = options.string("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try AtomicFile.write(Array(try encoder.encode(result)) + [10], to: path)
        }
        return 0
    }
}
