import Foundation

/// The end-of-run summary: `final.json` and the table printed by rank 0 (and `mtrl-dist report`).
public struct FinalReport {
    public let updates: Int
    public let bestUpdate: Int
    public let selectBy: String
    public let parameterChecksum: String
    public let tokensPerSecond: Double
    public let allReduceFraction: Double
    public let peakMemoryMB: Double
    public let elapsedSeconds: Double
    public let ranks: Int
    public let scores: [TaskScore]
    public let randomScores: [TaskScore]
    let tasks: TrainingTasks

    var json: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        func list(_ s: [TaskScore]) -> String {
            "[" + s.map { "{\"task\": \"\($0.taskID)\", \"split\": \"\($0.split.rawValue)\", \"episodes\": \($0.episodes), "
                + "\"mean_return\": \(number($0.meanReturn)), \"normalised_return\": \(number($0.normalisedReturn))}" }
                .joined(separator: ", ") + "]"
        }
        return """
            {"updates": \(updates), "best_update": \(bestUpdate), "select_by": "\(selectBy)", \
            "parameter_checksum": "\(parameterChecksum)", "ranks": \(ranks), \
            "tokens_per_second": \(number(tokensPerSecond)), "allreduce_fraction": \(number(allReduceFraction)), \
            "peak_rss_mb": \(number(peakMemoryMB)), "elapsed_s": \(number(elapsedSeconds)), \
            "policy": \(list(scores)), "random": \(list(randomScores)), \
            "policy_train_mean": \(number(mean(scores, .train))), "policy_test_mean": \(number(mean(scores, .test))), \
            "random_train_mean": \(number(mean(randomScores, .train))), "random_test_mean": \(number(mean(randomScores, .test)))}

            """
    }

    func mean(_ s: [TaskScore], _ split: SelectionSplit) -> Double { Trainer.meanNormalised(s, split: split, tasks: tasks) }

    /// The score table and the run's speed and memory.
    var text: String {
        guard !scores.isEmpty else {
            return "finished \(updates) updates in \(Trainer.duration(elapsedSeconds)); no final evaluation (--final-eval-episodes 0)"
        }
        return scoreTable + "\n" + String(format: "%d updates on %d rank(s) in %@, %.0f agent-tokens/s, all-reduce %.1f%% of time, peak memory %.0f MB",
                                          updates, ranks, Trainer.duration(elapsedSeconds), tokensPerSecond, 100 * allReduceFraction, peakMemoryMB)
    }

    /// A table: per task the policy's and the random policy's normalised returns, then split means.
    var scoreTable: String {
        let which = selectBy == "latest" ? "the latest parameters (update \(bestUpdate))"
            : "the best parameters (update \(bestUpdate), selected by \(selectBy) score)"
        var lines = ["final evaluation of \(which), "
            + "\(scores.first?.episodes ?? 0) episodes per task; normalised return = return / heuristic reference",
                     "task                      split  policy   random   (mean return: policy / random)"]
        for (s, r) in zip(scores, randomScores) {
            lines.append(s.taskID.padding(toLength: 26, withPad: " ", startingAt: 0) + s.split.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(format: "%6.3f   %6.3f   (%.3f / %.3f)", s.normalisedReturn, r.normalisedReturn, s.meanReturn, r.meanReturn))
        }
        lines.append(String(format: "mean train (seen) tasks:     policy %.3f   random %.3f", mean(scores, .train), mean(randomScores, .train)))
        lines.append(String(format: "mean held-out (zero-shot):   policy %.3f   random %.3f", mean(scores, .test), mean(randomScores, .test)))
        return lines.joined(separator: "\n")
    }
}
