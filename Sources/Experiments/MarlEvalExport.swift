import Foundation
import Losses

/// An experiment's evaluations in the layout marl-eval reads (environment → task → algorithm →
/// `run_<seed>` → `step_<k>` with `step_count` and metric lists, plus `absolute_metrics` for the
/// final evaluation of the selected parameters), so existing marl-eval / rliable tooling takes it
/// unchanged.
///
/// Every evaluated task appears (training and held-out). The metric lists hold one value, the mean
/// over the evaluation's episodes (our evaluations record means, not each episode). Algorithm names
/// carry the setting, e.g. "MT Oryx", "ST Oryx", "MT Oryx tasks=3"; single-task runs of one seed
/// are averaged, as in the report.
public enum MarlEvalExport {
    /// The JSON text.
    public static func json(_ results: ExperimentResults) -> String {
        // environment → task → algorithm → run → step → metric → values
        var tree: [String: [String: [String: [String: [String: Any]]]]] = [:]
        for (key, runs) in results.groups {
            let algorithm = algorithmName(key)
            for (seed, seedRuns) in Dictionary(grouping: runs, by: { $0.cell.seed }) {
                let tasks = Set(seedRuns.flatMap { $0.report.scores.map(\.taskID) }).sorted()
                for task in tasks {
                    var run: [String: Any] = [:]
                    let rows = seedRuns[0].curve.count
                    for index in 0..<rows {
                        let update = seedRuns[0].curve[index].update
                        let returns = seedRuns.compactMap { $0.curve.indices.contains(index) ? $0.curve[index].meanReturn[task] : nil }
                        let normalised = seedRuns.compactMap { $0.curve.indices.contains(index) ? $0.curve[index].normalised[task] : nil }
                        guard !returns.isEmpty else { continue }
                        run["step_\(index)"] = ["step_count": update, "mean_episode_return": [mean(returns)],
                                                "normalised_return": [mean(normalised)]] as [String: Any]
                    }
                    let finals = seedRuns.compactMap { $0.report.scores.first { $0.taskID == task } }
                    run["absolute_metrics"] = ["mean_episode_return": [mean(finals.map(\.meanReturn))],
                                               "normalised_return": [mean(finals.map(\.normalisedReturn))]] as [String: Any]
                    tree[key.environment.rawValue, default: [:]][task, default: [:]][algorithm, default: [:]]["run_\(seed)"] = run
                }
            }
        }
        return serialise(tree, indent: "") + "\n"
    }

    static func algorithmName(_ key: ExperimentCell.GroupKey) -> String {
        let algorithm = SettingTitle.of(key.algorithm)
        switch key.setting {
        case "MT": return "MT \(algorithm)"
        case "ST": return "ST \(algorithm)"
        default:
            return "MT \(algorithm) \(key.setting)" + (key.x.map { String(format: "=%g", $0) } ?? "")
        }
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    /// Deterministic JSON (sorted keys; NaN and infinities as null, which JSON lacks).
    static func serialise(_ value: Any, indent: String) -> String {
        let inner = indent + "  "
        switch value {
        case let object as [String: Any]:
            guard !object.isEmpty else { return "{}" }
            let body = object.keys.sorted { naturalOrder($0, $1) }.map { "\(inner)\"\($0)\": \(serialise(object[$0]!, indent: inner))" }
            return "{\n" + body.joined(separator: ",\n") + "\n\(indent)}"
        case let list as [Double]:
            return "[" + list.map(number).joined(separator: ", ") + "]"
        case let value as Double:
            return number(value)
        case let value as Int:
            return "\(value)"
        default:
            // Dictionaries of a narrower value type.
            if let object = value as? [String: [String: Any]] { return serialise(object as [String: Any], indent: indent) }
            return "null"
        }
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// step_2 before step_10.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        if a.hasPrefix("step_") && b.hasPrefix("step_"), let x = Int(a.dropFirst(5)), let y = Int(b.dropFirst(5)) { return x < y }
        return a < b
    }
}
