import Distributed
import Foundation
import OptionParsing
import TensorCore
import Training

/// `mtrl-dist evaluate`: zero-shot scores of a run's saved parameters (episodes split across ranks).
enum EvaluateCommand: Command {
    static let spec = CommandSpec(
        name: "evaluate", summary: "Evaluate a run's best (or latest) parameters on its training and held-out tasks.",
        options: [
            .value("run", "RUN_DIR", "Run directory written by `mtrl-dist train`.", required: true),
            .value("episodes", "N", "Episodes per task.", default: "320"),
            .value("checkpoint", "C", "best or latest.", default: "best"),
            .value("split", "S", "train (the run's training tasks), test (held-out tasks), or all.", default: "all"),
        ],
        discussion: "Prints normalised returns per task next to the random policy's, and appends them to RUN_DIR/evaluate.csv.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let directory = try options.requiredString("run")
        let episodes = try options.int("episodes", in: 1...1_000_000) ?? 320
        let which = try options.choice("checkpoint", as: SavedParameters.self) ?? .best
        let splitName = options.string("split") ?? "all"
        guard ["train", "test", "all"].contains(splitName) else {
            throw OptionError.malformedValue(command: spec.name, option: "split", value: splitName, expected: "one of train, test, all")
        }
        let split = SelectionSplit(rawValue: splitName)
        var config = TrainConfig()
        try config.load(file: RunDirectory(path: directory).configFile)
        config.out = directory
        BLAS.setThreadCount(config.blasThreads)
        let world = try MPICommunicator.world()
        do {
            let trainer = try Trainer(config: config, communicator: world, resume: true)
            try trainer.evaluateSaved(which, episodes: episodes, split: split)
            try world.finalize()
            return 0
        } catch {
            if world.size > 1 { world.abort(message: "\(error)") }
            throw error
        }
    }
}

/// `mtrl-dist report`: the final table of a finished run, from its final.json.
enum ReportCommand: Command {
    static let spec = CommandSpec(
        name: "report", summary: "Print the final scores of a finished run (from RUN_DIR/final.json).",
        options: [.value("run", "RUN_DIR", "Run directory.", required: true)])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let directory = try options.requiredString("run")
        let path = RunDirectory(path: directory).finalReport
        guard let data = FileManager.default.contents(atPath: path),
              let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw ReportError.missing(path) }
        func number(_ key: String, in object: [String: Any] = report) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }
        let policy = report["policy"] as? [[String: Any]] ?? []
        let random = report["random"] as? [[String: Any]] ?? []
        print("run \(directory): \(Int(number("updates"))) updates on \(Int(number("ranks"))) rank(s), best update "
            + "\(Int(number("best_update"))) (selected by \(report["select_by"] ?? "?") score)")
        print("task                      split  policy   random   (normalised return = return / heuristic reference)")
        for (p, r) in zip(policy, random) {
            let task = (p["task"] as? String ?? "?").padding(toLength: 26, withPad: " ", startingAt: 0)
            let split = (p["split"] as? String ?? "?").padding(toLength: 7, withPad: " ", startingAt: 0)
            print(task + split + String(format: "%6.3f   %6.3f", number("normalised_return", in: p), number("normalised_return", in: r)))
        }
        print(String(format: "mean train (seen) tasks:     policy %.3f   random %.3f", number("policy_train_mean"), number("random_train_mean")))
        print(String(format: "mean held-out (zero-shot):   policy %.3f   random %.3f", number("policy_test_mean"), number("random_test_mean")))
        print(String(format: "%.0f agent-tokens/s, all-reduce %.1f%% of time, peak memory %.0f MB per rank, %.0f s",
                     number("tokens_per_second"), 100 * number("allreduce_fraction"), number("peak_rss_mb"), number("elapsed_s")))
        return 0
    }

    enum ReportError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let p): "no readable \(p); the run has not finished (see its metrics.csv) or the path is wrong."
            }
        }
    }
}
