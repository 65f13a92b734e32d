import Environments

/// How a task's mean return R becomes its normalised score, given the reference return R_ref
/// (the data's behaviour at ε = 0.05) and the uniformly random legal policy's return R_random.
public enum NormalisationMethod: String, CaseIterable, Sendable, Codable {
    /// R / R_ref: the paper's. Ranks policies correctly only when R_ref > 0.
    case ratio
    /// (R − R_random) / (R_ref − R_random): the offline-RL convention; random = 0, reference = 1,
    /// whatever the sign of the returns.
    case random

    /// The formula, as reports print it.
    public var formula: String {
        switch self {
        case .ratio: "R / R_ref"
        case .random: "(R − R_random) / (R_ref − R_random)"
        }
    }

    /// What the run's output says about its scores: the method, its formula and what R_ref is.
    /// `behaviour` names the data's source, or several joined by " + " (a mixed-source run).
    public func explanation(behaviour: String) -> String {
        let name = self == .ratio ? "ratio" : "random-anchored"
        let sources = behaviour.components(separatedBy: " + ").map { source in
            source == "online-sable" ? "online Sable's R_max (best-by-evaluation parameters re-run; not comparable to heuristic references)"
                : "the \(source) behaviour at epsilon 0.05"
        }
        let reference = sources.count == 1 ? sources[0] : "MIXED SOURCES, per task (final.json references): " + sources.joined(separator: " or ")
        return "normalised return = \(formula) (\(name); R_ref: \(reference)"
            + (self == .random ? ", R_random: the uniformly random legal policy)" : ")")
    }

    /// The method of `setting` for a run evaluating `tasks`: `auto` is `ratio` when no task's
    /// rewards can be negative (LBF, RWARE), `random` otherwise (Connector), where R_ref can be
    /// negative or near zero and a ratio would rank a worse policy higher.
    public static func resolve(_ setting: NormalisationSetting, tasks: [TaskSpec]) -> NormalisationMethod {
        switch setting {
        case .ratio: .ratio
        case .random: .random
        case .auto: tasks.contains(where: \.rewardsCanBeNegative) ? .random : .ratio
        }
    }
}

/// The `normalise` training setting: a method, or `auto` (by the sign of the tasks' rewards).
public enum NormalisationSetting: String, CaseIterable, Sendable, Codable {
    case auto, ratio, random
}
