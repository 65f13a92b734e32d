import Environments
import Foundation
import Losses
import Training

/// What an experiment directory holds: the experiment, its scale and grid options, and where its
/// datasets are. Written to EXP_DIR/experiment.json by the first `experiment run`; later runs,
/// `status` and `report` read it, and a run asking for a different grid is refused.
public struct ExperimentSpec: Codable, Equatable, Sendable {
    public var name: ExperimentName
    public var scale: ExperimentScale
    public var environments: [EnvironmentKind]
    /// Seeds 0 ..< seeds per setting.
    public var seeds: Int
    public var algorithms: [LossKind]
    /// fig4's numbers of training tasks (nil: 1 … M).
    public var taskCounts: [Int]?
    /// Only the first K training tasks of each environment, in registry order (nil: all M): a
    /// subset a small machine can run. Held-out tasks stay the whole test split.
    public var trainingTasks: Int?
    /// Dataset root (absolute): `<data>/<env>/<task>.mtds` and `reference-returns.tsv`.
    public var data: String
    /// Training settings applied to every run after the scale's (`--settings key=value,...`).
    public var overrides: [String: String]

    public init(name: ExperimentName, scale: ExperimentScale, environments: [EnvironmentKind], seeds: Int,
                algorithms: [LossKind], taskCounts: [Int]?, trainingTasks: Int? = nil, data: String, overrides: [String: String]) {
        self.name = name
        self.scale = scale
        self.environments = environments
        self.seeds = seeds
        self.algorithms = algorithms
        self.taskCounts = taskCounts
        self.trainingTasks = trainingTasks
        self.data = data
        self.overrides = overrides
    }

    /// The algorithms an experiment runs when `--algos` is not given.
    public static func defaultAlgorithms(_ name: ExperimentName) -> [LossKind] {
        switch name {
        case .table1, .fig1: [.oryx, .cql, .bc]
        case .fig4, .fig5a, .fig5b: [.oryx]
        case .fig6: [.oryx, .cql]
        }
    }

    /// Refuses options the experiment cannot run: BC in the ablations (no critic, so no HL-Gauss),
    /// task counts outside 1 … M, a value listed twice, overrides that are no training setting or
    /// that the grid sets.
    /// - Throws: `ExperimentError.invalid`.
    public func validate() throws {
        guard seeds >= 1 else { throw ExperimentError.invalid("--seeds must be at least 1") }
        guard !environments.isEmpty, !algorithms.isEmpty else { throw ExperimentError.invalid("no environment or algorithm chosen") }
        try Self.refuseRepeats("--env", environments.map(\.rawValue))
        try Self.refuseRepeats("--algos", algorithms.map(\.rawValue))
        if name == .fig6 && algorithms.contains(.bc) {
            throw ExperimentError.invalid("fig6 ablates the critic (HL-Gauss), which BC-Sable has not; use --algos oryx,cql")
        }
        if let k = trainingTasks {
            for env in environments {
                let m = TaskRegistry.tasks(kind: env, split: .train).count
                guard (1...m).contains(k) else {
                    throw ExperimentError.invalid("--training-tasks \(k) is outside 1 … \(m), the \(env.rawValue) training tasks")
                }
            }
        }
        if let counts = taskCounts {
            guard name == .fig4 else { throw ExperimentError.invalid("--task-counts applies to fig4 only") }
            guard !counts.isEmpty else { throw ExperimentError.invalid("--task-counts lists no number of tasks") }
            try Self.refuseRepeats("--task-counts", counts.map(String.init))
            for env in environments {
                let m = trainingTaskIDs(env).count
                if let bad = counts.first(where: { !(1...m).contains($0) }) {
                    let which = trainingTasks == nil ? "the \(env.rawValue) training tasks" : "the --training-tasks subset"
                    throw ExperimentError.invalid("--task-counts \(bad) is outside 1 … \(m), \(which)")
                }
            }
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard !Self.runKeys.contains(key) else {
                throw ExperimentError.invalid("--settings may not set '\(key)': the experiment's grid sets it")
            }
            guard !name.variedSettings.contains(key) else {
                throw ExperimentError.invalid("--settings may not set '\(key)': \(name.rawValue) varies it from run to run")
            }
            var probe = TrainConfig()
            do { try probe.set(key, value) } catch { throw ExperimentError.invalid("--settings: \(error)") }
        }
    }

    /// The training tasks of `environment` the grid uses: the first `trainingTasks` in registry order, or all.
    public func trainingTaskIDs(_ environment: EnvironmentKind) -> [String] {
        let all = TaskRegistry.tasks(kind: environment, split: .train).map(\.id)
        return Array(all.prefix(trainingTasks ?? all.count))
    }

    /// A value listed twice would make two cells with one run directory (trained twice, counted twice).
    static func refuseRepeats(_ option: String, _ values: [String]) throws {
        var seen: Set<String> = []
        for value in values where !seen.insert(value).inserted {
            throw ExperimentError.invalid("\(option) lists \(value) twice; give each once")
        }
    }

    /// Settings every cell sets itself (`ExperimentName.variedSettings` adds the experiment's own).
    public static let runKeys: Set<String> = ["env", "data", "tasks", "held-out", "seed", "out", "algo"]

    /// The differences between `self` and `other`, as "key: a → b" (empty when equal).
    public func differences(from other: ExperimentSpec) -> [String] {
        var out: [String] = []
        func note(_ key: String, _ a: String, _ b: String) { if a != b { out.append("\(key): \(a) → \(b)") } }
        note("experiment", other.name.rawValue, name.rawValue)
        note("scale", other.scale.rawValue, scale.rawValue)
        note("env", other.environments.map(\.rawValue).joined(separator: ","), environments.map(\.rawValue).joined(separator: ","))
        note("seeds", "\(other.seeds)", "\(seeds)")
        note("algos", other.algorithms.map(\.rawValue).joined(separator: ","), algorithms.map(\.rawValue).joined(separator: ","))
        note("task-counts", other.taskCounts.map { $0.map(String.init).joined(separator: ",") } ?? "all",
             taskCounts.map { $0.map(String.init).joined(separator: ",") } ?? "all")
        note("training-tasks", other.trainingTasks.map(String.init) ?? "all", trainingTasks.map(String.init) ?? "all")
        note("data", other.data, data)
        note("settings", Self.text(other.overrides), Self.text(overrides))
        return out
    }

    static func text(_ overrides: [String: String]) -> String {
        overrides.isEmpty ? "none" : overrides.keys.sorted().map { "\($0)=\(overrides[$0]!)" }.joined(separator: ",")
    }

    enum CodingKeys: String, CodingKey {
        case name = "experiment", scale, environments, seeds, algorithms, taskCounts = "task_counts", trainingTasks = "training_tasks", data, overrides = "settings"
    }
}

/// An experiment that cannot be run as asked.
public enum ExperimentError: Error, CustomStringConvertible {
    /// Options that do not make a valid grid.
    case invalid(String)
    /// EXP_DIR holds another experiment or another grid.
    case mismatch(String, [String])
    /// A file of the experiment directory cannot be read.
    case unreadable(String, String)
    /// Datasets that exist but were made with other settings.
    case dataMismatch(String)
    /// A run directory of the grid holds a run made with other settings than its cell's.
    case runMismatch(String, [String])

    /// Whether the command line asked for something impossible (exit 2) rather than the files being wrong (exit 1).
    public var isUsageError: Bool {
        switch self {
        case .invalid, .mismatch: true
        case .unreadable, .dataMismatch, .runMismatch: false
        }
    }

    public var description: String {
        switch self {
        case .invalid(let why): why.hasSuffix(".") ? why : "\(why)."
        case let .mismatch(path, differences):
            "\(path) holds an experiment with other settings (\(differences.joined(separator: "; "))); "
                + "run it with its own settings (`mtrl-dist experiment status` shows them) or pass another --out."
        case let .unreadable(path, why): "cannot read \(path): \(why)."
        case .dataMismatch(let why): why
        case let .runMismatch(path, differences):
            "\(path) holds a run made with other settings than this build gives its cell (\(differences.joined(separator: "; "))): "
                + "the scale's settings or the build changed since it ran. Report and continue it with the build that made it, "
                + "or move the experiment directory aside and run the grid again."
        }
    }
}
