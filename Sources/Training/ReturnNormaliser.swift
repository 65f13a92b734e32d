import Datasets
import Foundation

/// Turns a task's mean return into the normalised return every report shows, by the run's
/// `NormalisationMethod` and the references of its `ReferenceReturnTable`. Policy and random
/// scores go through the same normaliser.
///
/// A task whose reference does not beat random is flagged and scores NaN, so it never enters a
/// mean or best-checkpoint selection: R_ref − R_random ≤ 2·√(SE_ref² + SE_random²) (an unknown
/// standard error counts as 0), or R_ref ≤ 0 under `ratio`; likewise a task without a reference
/// or without a random return.
public struct ReturnNormaliser: Sendable {
    public let references: ReferenceReturnTable
    public let method: NormalisationMethod

    public init(references: ReferenceReturnTable, method: NormalisationMethod) {
        self.references = references
        self.method = method
    }

    /// Why `taskID` has no normalised score; nil when it has one.
    public func flag(taskID: String) -> String? {
        guard let r = references[taskID] else { return "no reference return" }
        guard r.hasRandom else { return "no random-policy return" }
        if method == .ratio && r.mean <= 0 {
            return String(format: "reference %.4g <= 0, where R / R_ref ranks a worse policy higher (use --normalise random)", r.mean)
        }
        let known = { (error: Double) in error.isNaN ? 0 : error }
        let combined = (known(r.standardError) * known(r.standardError) + known(r.randomStandardError) * known(r.randomStandardError))
            .squareRoot()
        if r.mean - r.randomMean <= 2 * combined {
            return String(format: "reference %.4g ± %.2g does not beat random %.4g ± %.2g", r.mean, known(r.standardError),
                          r.randomMean, known(r.randomStandardError))
        }
        return nil
    }

    /// The flag of each of `taskIDs` that has one, by task.
    public func flags(taskIDs: [String]) -> [String: String] {
        var flagged: [String: String] = [:]
        for id in taskIDs { flagged[id] = flag(taskID: id) }
        return flagged
    }

    /// The normalised `meanReturn` of `taskID`; NaN when the task is flagged.
    public func normalised(_ meanReturn: Double, taskID: String) -> Double {
        guard flag(taskID: taskID) == nil, let r = references[taskID] else { return .nan }
        switch method {
        case .ratio: return meanReturn / r.mean
        case .random: return (meanReturn - r.randomMean) / (r.mean - r.randomMean)
        }
    }

    /// The warning naming flagged tasks (sorted) and their reasons; nil when none is flagged.
    public static func warning(flagged: [String: String]) -> String? {
        guard !flagged.isEmpty else { return nil }
        return "warning: \(flagged.count) task(s) flagged: normalised return NaN, left out of every mean and of best-checkpoint "
            + "selection:\n" + flagged.keys.sorted().map { "  \($0): \(flagged[$0]!)" }.joined(separator: "\n")
    }
}
