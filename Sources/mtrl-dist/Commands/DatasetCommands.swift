import Datasets
import Foundation
import OptionParsing

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
            .value("out", "PATH", "Output file.", required: true),
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
