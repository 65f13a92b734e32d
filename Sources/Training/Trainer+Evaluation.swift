import BinaryFormat
import Distributed
import Environments
import Foundation
import TensorCore

extension Trainer {
    /// Periodic evaluation (`--eval-episodes` per task) of the current parameters on the training
    /// and held-out tasks; keeps the best parameters by the `--select-by` split's mean normalised return.
    func evaluateAndSelect(update: Int) throws {
        let scores = try evaluation.policyScores(parameters: engine.online, evaluated: evaluation.allTasks,
                                                 episodes: config.evalEpisodes, round: update, communicator: communicator)
        let train = TaskScore.meanNormalised(scores, trained: true)
        let test = TaskScore.meanNormalised(scores, trained: false)
        let score = config.selectBy == .train ? train : test
        // A split without any normalised score (all its tasks flagged) selects nothing: the final
        // evaluation then takes the latest parameters and says so.
        let improved = score.isFinite && (score > bestScore || bestUpdate < 0)
        if improved {
            bestScore = score
            bestUpdate = update
            bestParameters = engine.online.buffer.toArray()
            try saveBest(update: update)
        }
        say(String(format: "eval @%d: mean normalised return (%@) train %.3f, held-out %.3f%@", update,
                   evaluation.normaliser.method.rawValue, train, test,
                   improved ? " (best so far)" : score.isFinite ? "" : " (no \(config.selectBy.rawValue) task has a score: nothing selected)"))
        try log?.write(scores, kind: "eval", update: update, extra: [("train_mean", .number(train)), ("test_mean", .number(test))])
    }

    /// Final evaluation of the best parameters (`--final-eval-episodes`, the paper's 320), the random
    /// policy's scores on the same tasks, and `final.json`. Without any periodic evaluation
    /// (`--eval-every 0`) nothing was selected: the latest parameters are evaluated, and labelled so.
    /// `tokens` / `computedTokens`: real and computed agent-tokens of all ranks since the start or
    /// resume; `phases`: this rank's mean seconds per update in each phase; `allReduceSeconds`: its
    /// total wait for the gradient all-reduce.
    func finish(tokens: Int, computedTokens: Int, elapsed: Double, phases: UpdatePhaseTimes, allReduceSeconds: Double) throws {
        let selected = bestUpdate >= 0
        let chosenUpdate = selected ? bestUpdate : config.steps
        var scores: [TaskScore] = []
        var random: [TaskScore] = []
        if config.finalEvalEpisodes > 0 {
            var parameters = engine.online
            if selected {
                parameters = ParameterArena(layout: layout.arena)
                parameters.buffer.copy(from: bestParameters)
            }
            scores = try evaluation.policyScores(parameters: parameters, evaluated: evaluation.allTasks,
                                                 episodes: config.finalEvalEpisodes, round: -1, communicator: communicator)
            random = try evaluation.randomScores(evaluated: evaluation.allTasks, episodes: config.finalEvalEpisodes,
                                                 communicator: communicator)
            try log?.write(scores, kind: "final", update: chosenUpdate)
        }
        var checksum: UInt64 = 0
        engine.online.buffer.withUnsafeBufferPointer { checksum = StableHash.hash($0) }
        guard communicator.rank == 0 else { return }
        let report = FinalReport(
            updates: config.steps, evaluatedUpdate: chosenUpdate, selectBy: selected ? config.selectBy.rawValue : "latest",
            parameterChecksum: String(checksum, radix: 16), tokensPerSecond: Double(tokens) / max(elapsed, 1e-9),
            allReduceFraction: allReduceSeconds / max(elapsed, 1e-9), peakMemoryMB: MachineInfo.peakResidentMegabytes(),
            elapsedSeconds: elapsed, ranks: rankCount, behaviour: evaluation.behaviour, normalisation: evaluation.normaliser.method,
            flaggedTasks: evaluation.flaggedTasks, references: evaluation.taskReferences, scores: scores, randomScores: random, updatePhases: phases,
            computedTokensPerSecond: Double(computedTokens) / max(elapsed, 1e-9), machine: MachineInfo.current().summary)
        try AtomicFile.write(Array(report.json.utf8), to: run.finalReport)
        print(report.text)
        fflush(nil)
    }
}
