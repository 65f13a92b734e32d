import Environments
import Foundation
import Model
import OptionParsing
import ReferenceCases

/// `mtrl-dist model`: parameter counts of a configuration.
enum ModelCommand: Command {
    static let spec = CommandSpec(
        name: "model", summary: "Print the parameter count of a Sable configuration (per tensor with --verbose).",
        options: [
            .value("embed", "E", "Embedding size.", default: "64"), .value("heads", "H", "Retention heads.", default: "4"),
            .value("blocks", "B", "Blocks.", default: "1"),
            .value("env", "E", "Size inputs for this environment (N_max id + largest observation).", default: "rware"),
            .value("inputs", "D", "Override D_o (agent-id one-hot + features)."),
            .value("bins", "K", "HL-Gauss bins (1 = scalar Q).", default: "51"),
            .flag("no-q-head", "BC-Sable: no Q head."), .flag("verbose", "List every tensor."),
        ])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let kind = try options.choice("env", as: EnvironmentKind.self) ?? .rware
        let tasks = TaskRegistry.tasks(kind: kind).filter { $0.split != .spare }
        let defaultInputs = tasks.map(\.agentCount).max()! + tasks.map(\.observationSize).max()!
        let config = ModelConfig(
            embedding: try options.int("embed", in: ModelConfig.embeddingRange)!, heads: try options.int("heads", in: ModelConfig.headRange)!,
            blocks: try options.int("blocks", in: ModelConfig.blockRange)!, inputSize: try options.int("inputs", in: 1...100_000) ?? defaultInputs,
            actionCount: tasks[0].actionCount, qBins: try options.int("bins", in: 1...4096)!, hasQHead: !options.flag("no-q-head"))
        try config.validate()
        let layout = SableLayout(config: config)
        if options.flag("verbose") {
            for s in layout.arena.slices { print("\(s.name) \(s.shape) \(s.count)") }
        }
        print("E=\(config.embedding) H=\(config.heads) blocks=\(config.blocks) D_o=\(config.inputSize) A=\(config.actionCount) "
            + "K=\(config.qBins)\(config.hasQHead ? "" : " (no Q head)"): \(layout.arena.parameterCount) parameters "
            + "(spec §3 formula: \(config.formulaParameterCount))")
        return 0
    }
}

/// `mtrl-dist model check-reference FILE...`: golden cases of the upstream Oryx network.
enum ModelCheckReferenceCommand: Command {
    static let spec = CommandSpec(
        name: "model check-reference", summary: "Run reference cases (forward, loss, gradients, one update) and compare.",
        options: [], positionals: "FILE...",
        discussion: "Prints one line per case and `N passed, M failed`; exits 1 on any mismatch or unreadable case.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        guard !options.positionals.isEmpty else { throw OptionError.missingArgument(command: spec.name, placeholder: "FILE...") }
        var passed = 0
        var failed = 0
        for path in options.positionals {
            do {
                let report = try ReferenceCheck.run(url: URL(fileURLWithPath: path))
                print("\(path): \(report.summary)")
                if report.passed { passed += 1 } else { failed += 1 }
            } catch {
                failed += 1
                print("\(path): unreadable: \(error)")
            }
        }
        print("\(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }
}
