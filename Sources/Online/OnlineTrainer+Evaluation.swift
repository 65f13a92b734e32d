import BinaryFormat
import Distributed
import Foundation
import Statistics
import TensorCore
import Training

extension OnlineTrainer {
    /// Mean return (± standard error) of `episodes` complete episodes of the sampled policy under
    /// `parameters`, shared out over the ranks (rank r plays episodes r, r + R, …) on the separate
    /// evaluation envs, from `random` (this rank's stream). Collective.
    func evaluate(_ parameters: ParameterArena, episodes: Int, random: RandomStream) throws -> MeanWithError {
        let size = communicator.size, rank = communicator.rank
        let mine = (episodes - rank + size - 1) / size
        var returns = mine > 0 ? evaluator.playEpisodes(mine, parameters: parameters, random: random) : []
        returns += [Double](repeating: .nan, count: (episodes + size - 1) / size - returns.count)
        return MeanWithError(try communicator.allGather(returns).flatMap { $0 }.filter { !$0.isNaN })
    }

    /// Periodic evaluation (§1.8, `evalEpisodes` episodes, a stream of its own per update so that
    /// training never sees it): an `eval.csv` row, and the parameters become the best when their
    /// mean return is at least the highest so far. Ties go to the later parameters: on a capped
    /// return (LBF's 1.0) many evaluations tie, and the first to reach the cap has trained least
    /// (it made R_max 0.980 against R_final 1.000 on lbf-8x8-2p-2f-coop).
    func evaluateAndSelect(update: Int) throws {
        let result = try evaluate(parameters, episodes: settings.evalEpisodes, random: rankRandom.derived("evaluation", update))
        let improved = result.mean >= bestScore || bestUpdate < 0
        if improved {
            bestScore = result.mean
            bestUpdate = update
            bestParameters = parameters.buffer.toArray()
            try saveBest(update: update)
        }
        say(String(format: "eval @%d: mean return %.3f ± %.3f over %d episodes%@", update, result.mean, result.standardError,
                   result.count, improved ? " (best so far)" : ""))
        try log?.write(kind: "eval", fields: [
            ("update", .number(Double(update))), ("env_steps", .number(Double(environmentSteps(after: update)))),
            ("episodes", .number(Double(result.count))), ("mean_return", .number(result.mean)),
            ("standard_error", .number(result.standardError)), ("best_update", .number(Double(bestUpdate))),
        ])
    }

    /// The final evaluations (spec §3): R_final of the final parameters and R_max of the best by
    /// periodic evaluation, `finalEvalEpisodes` episodes each on the same episode streams, then
    /// `final.json` (rank 0) and its summary.
    func finish(elapsed: Double) throws {
        let random = rankRandom.derived("final-evaluation")
        let final = try evaluate(parameters, episodes: settings.finalEvalEpisodes, random: random)
        let best = ParameterArena(layout: layout.arena)
        best.buffer.copy(from: bestParameters)
        let maximum = try evaluate(best, episodes: settings.finalEvalEpisodes, random: random)
        let updates = settings.updates - startUpdate
        var checksum: UInt64 = 0, bestChecksum: UInt64 = 0
        parameters.buffer.withUnsafeBufferPointer { checksum = StableHash.hash($0) }
        bestParameters.withUnsafeBufferPointer { bestChecksum = StableHash.hash($0) }
        let report = OnlineFinalReport(
            task: task.id, settingsSet: settings.settingsSet.rawValue, settingsSetChanges: settings.departuresFromSettingsSet,
            updates: settings.updates, environmentSteps: environmentSteps(after: settings.updates), ranks: communicator.size,
            finalReturn: final, finalUpdate: settings.updates, maximumReturn: maximum, bestUpdate: bestUpdate,
            parameterChecksum: String(checksum, radix: 16), bestParameterChecksum: String(bestChecksum, radix: 16),
            elapsedSeconds: elapsed, actingSecondsPerUpdate: actingSeconds / Double(max(1, updates)),
            trainingSecondsPerUpdate: trainingSeconds / Double(max(1, updates)),
            agentStepsPerSecond: updates > 0 ? agentStepsPerSecond(updates: updates, seconds: actingSeconds + trainingSeconds) : .nan)
        finalReport = report
        guard communicator.rank == 0 else { return }
        try AtomicFile.write(Array(report.json.utf8), to: run.finalReport)
        say(report.text)
    }
}
