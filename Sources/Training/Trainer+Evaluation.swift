import BinaryFormat
import Distributed
import Environments
import Foundation
import TensorCore

extension Trainer {
    /// Periodic evaluation (`--eval-episodes` per task) of the current parameters on the training
    /// and held-out tasks; keeps the best parameters by the `--select-by` split's mean normalised return.
    func evaluateAndSelect(update: Int) throws {
        let scores = try evaluator.evaluate(parameters: engine.online, evaluated: tasks.training + tasks.heldOut,
                                            episodes: config.evalEpisodes, round: update, communicator: communicator)
        let train = Trainer.meanNormalised(scores, split: .train, tasks: tasks)
        let test = Trainer.meanNormalised(scores, split: .test, tasks: tasks)
        let score = config.selectBy == .train ? train : test
        let improved = score > bestScore || bestUpdate < 0
        if improved {
            bestScore = score
            bestUpdate = update
            bestParameters = engine.online.buffer.toArray()
            try saveBest(update: update)
        }
        say(String(format: "eval @%d: mean normalised return train %.3f, held-out %.3f%@", update, train, test,
                   improved ? " (best so far)" : ""))
        try writeScores(scores, kind: "eval", update: update, extra: [("train_mean", .number(train)), ("test_mean", .number(test))])
    }

    /// The best parameters kept so far (a copy), or the current ones.
    func parameters(best: Bool) -> ParameterArena {
        guard best else { return engine.online }
        let arena = ParameterArena(layout: layout.arena)
        arena.buffer.copy(from: bestParameters)
        return arena
    }

    /// Mean normalised return over the training tasks (`.train`) or the held-out tasks (`.test`).
    static func meanNormalised(_ scores: [TaskScore], split: SelectionSplit, tasks: TrainingTasks) -> Double {
        let ids = Set((split == .train ? tasks.training : tasks.heldOut).map(\.id))
        let values = scores.filter { ids.contains($0.taskID) }.map(\.normalisedReturn).filter { $0.isFinite }
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    func writeScores(_ scores: [TaskScore], kind: String, update: Int, extra: [(String, MetricValue)]) throws {
        var fields: [(String, MetricValue)] = [("update", .number(Double(update)))] + extra
        for s in scores { fields.append(("norm/\(s.taskID)", .number(s.normalisedReturn))) }
        for s in scores { fields.append(("return/\(s.taskID)", .number(s.meanReturn))) }
        try log?.write(kind: kind, fields: fields)
    }

    /// Final evaluation of the best parameters (`--final-eval-episodes`, the paper's 320), the random
    /// policy's scores on the same tasks, and `final.json`. Without any periodic evaluation
    /// (`--eval-every 0`) nothing was selected: the latest parameters are evaluated.
    func finish(tokens: Int, elapsed: Double, allReduceSeconds: Double) throws {
        let evaluated = tasks.training + tasks.heldOut
        let selected = bestUpdate >= 0
        let chosenUpdate = selected ? bestUpdate : config.steps
        var scores: [TaskScore] = []
        var random: [TaskScore] = []
        if config.finalEvalEpisodes > 0 {
            scores = try evaluator.evaluate(parameters: parameters(best: selected), evaluated: evaluated, episodes: config.finalEvalEpisodes,
                                            round: -1, communicator: communicator)
            random = try randomPolicyScores(evaluated, episodes: config.finalEvalEpisodes)
            try writeScores(scores, kind: "final", update: chosenUpdate, extra: [])
        }
        var checksum: UInt64 = 0
        engine.online.buffer.withUnsafeBufferPointer { checksum = StableHash.hash($0) }
        guard communicator.rank == 0 else { return }
        let report = FinalReport(
            updates: config.steps, bestUpdate: chosenUpdate, selectBy: selected ? config.selectBy.rawValue : "latest",
            parameterChecksum: String(checksum, radix: 16), tokensPerSecond: Double(tokens) / max(elapsed, 1e-9),
            allReduceFraction: allReduceSeconds / max(elapsed, 1e-9), peakMemoryMB: MachineInfo.peakResidentMegabytes(),
            elapsedSeconds: elapsed, ranks: rankCount, scores: scores, randomScores: random, tasks: tasks)
        try AtomicFile.write(Array(report.json.utf8), to: run.finalReport)
        print(report.text)
        fflush(nil)
    }

    /// The uniformly random legal policy on the same tasks (episodes split across ranks).
    func randomPolicyScores(_ evaluated: [TaskSpec], episodes: Int) throws -> [TaskScore] {
        var totals = [Double](repeating: 0, count: evaluated.count)
        let mine = (0..<episodes).filter { $0 % communicator.size == communicator.rank }.count
        for (index, task) in evaluated.enumerated() where mine > 0 {
            let stats = EpisodeRunner.run(task: task, episodes: mine, epsilon: 1, seed: UInt64(config.seed * 7919 + communicator.rank))
            totals[index] = stats.returns.reduce(0, +)
        }
        try communicator.allReduceSum(&totals)
        return evaluated.enumerated().map { index, task in
            let mean = totals[index] / Double(episodes)
            let reference = evaluator.references.returns[task.id]
            return TaskScore(taskID: task.id, split: task.split, episodes: episodes, meanReturn: mean,
                             normalisedReturn: reference.map { $0 != 0 ? mean / $0 : .nan } ?? .nan)
        }
    }
}

/// Which saved parameters `mtrl-dist evaluate` scores.
public enum SavedParameters: String, CaseIterable, Sendable { case best, latest }

extension Trainer {
    /// Evaluates saved parameters of this (resumed) run on the training and held-out tasks,
    /// with the random policy alongside, and prints the final-report table (rank 0).
    /// - Parameter split: only the training tasks (`.train`), only the held-out ones (`.test`), or both (nil).
    public func evaluateSaved(_ which: SavedParameters, episodes: Int, split: SelectionSplit? = nil) throws {
        let evaluated = split == .train ? tasks.training : split == .test ? tasks.heldOut : tasks.training + tasks.heldOut
        let scores = try evaluator.evaluate(parameters: parameters(best: which == .best), evaluated: evaluated, episodes: episodes, round: -2,
                                            communicator: communicator)
        let random = try randomPolicyScores(evaluated, episodes: episodes)
        try writeScores(scores, kind: "evaluate", update: which == .best ? bestUpdate : startUpdate, extra: [])
        guard communicator.rank == 0 else { return }
        let report = FinalReport(updates: startUpdate, bestUpdate: which == .best ? bestUpdate : startUpdate,
                                 selectBy: which == .best ? config.selectBy.rawValue : "latest", parameterChecksum: "",
                                 tokensPerSecond: .nan, allReduceFraction: .nan, peakMemoryMB: MachineInfo.peakResidentMegabytes(),
                                 elapsedSeconds: .nan, ranks: communicator.size, scores: scores, randomScores: random, tasks: tasks)
        print(report.scoreTable)
    }
}
