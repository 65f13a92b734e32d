import Foundation
import Training

/// The finished runs of an experiment, read back from their run directories: each run's final
/// evaluation (`final.json`) and its learning curve (`eval.csv`).
public struct ExperimentResults {
    /// One finished run.
    public struct Run {
        public let cell: ExperimentCell
        public let report: FinalReport
        /// Periodic evaluations: update and each task's normalised and raw mean return.
        public let curve: [EvaluationRow]
        /// The held-out scores of the same parameters acting greedily (`experiment evaluate`): the
        /// final scores themselves for an algorithm that acts greedily (CQL), nil where not measured.
        public let greedyScores: [TaskScore]?
    }

    /// One row of a run's `eval.csv`.
    public struct EvaluationRow: Sendable {
        public let update: Int
        public let normalised: [String: Double]
        public let meanReturn: [String: Double]
    }

    public let runs: [Run]
    /// Cells without a final evaluation yet.
    public let unfinished: [ExperimentCell]

    /// Reads every cell's run directory. - Throws: the errors of a damaged final.json or eval.csv,
    /// `ExperimentError.runMismatch` for a finished run made with other settings than its cell's.
    public init(cells: [ExperimentCell]) throws {
        var runs: [Run] = []
        var unfinished: [ExperimentCell] = []
        for cell in cells {
            let run = RunDirectory(path: cell.config.out)
            guard FileManager.default.fileExists(atPath: run.finalReport) else { unfinished.append(cell); continue }
            try cell.checkSavedRun()
            let report = try FinalReport.read(path: run.finalReport)
            runs.append(Run(cell: cell, report: report, curve: try Self.readCurve("\(run.path)/eval.csv"),
                            greedyScores: try Self.greedyScores(cell: cell, report: report)))
        }
        self.runs = runs
        self.unfinished = unfinished
    }

    /// The file in a run directory where `experiment evaluate` writes its greedy held-out scores
    /// (`evaluate --split test --acting greedy-policy`).
    public static let greedyFile = "evaluate-test-greedy-policy.csv"

    /// `cell`'s held-out scores acting greedily: its final scores when its algorithm acts greedily,
    /// else the row of RUN_DIR/`greedyFile` at the update `report` evaluated (the
    /// latest such row), nil when there is none or it lacks a held-out task.
    public static func greedyScores(cell: ExperimentCell, report: FinalReport) throws -> [TaskScore]? {
        let heldOut = report.scores.filter { !$0.trained }
        if cell.algorithm.actionSelection != .sample { return heldOut }
        let path = "\(cell.config.out)/\(greedyFile)"
        guard FileManager.default.fileExists(atPath: path),
              let row = try readCurve(path).last(where: { $0.update == report.evaluatedUpdate }) else { return nil }
        var scores: [TaskScore] = []
        for score in heldOut {
            guard let normalised = row.normalised[score.taskID], let meanReturn = row.meanReturn[score.taskID] else { return nil }
            scores.append(TaskScore(taskID: score.taskID, split: score.split, trained: false, episodes: score.episodes,
                                    meanReturn: meanReturn, normalisedReturn: normalised))
        }
        return scores
    }

    /// The rows of an `eval.csv` (none when the run had no periodic evaluation).
    static func readCurve(_ path: String) throws -> [EvaluationRow] {
        guard let table = try MetricsTable.read(path: path), !table.columns.isEmpty else { return [] }
        guard let updates = table.column("update") else { throw ExperimentError.unreadable(path, "no 'update' column") }
        return try zip(updates, table.rows).enumerated().map { number, row in
            let (update, values) = row
            guard update.isFinite else { throw ExperimentError.unreadable(path, "line \(number + 2) has no update number") }
            var normalised: [String: Double] = [:]
            var meanReturn: [String: Double] = [:]
            for (name, value) in zip(table.columns, values) {
                if name.hasPrefix("norm/") { normalised[String(name.dropFirst(5))] = value }
                if name.hasPrefix("return/") { meanReturn[String(name.dropFirst(7))] = value }
            }
            return EvaluationRow(update: Int(update), normalised: normalised, meanReturn: meanReturn)
        }
    }

    /// The finished runs of each group, groups in order.
    public var groups: [(key: ExperimentCell.GroupKey, runs: [Run])] {
        Dictionary(grouping: runs, by: { $0.cell.groupKey }).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A group's scores as seeds × tasks (the held-out tasks, or with `trained` the training tasks
    /// the group's runs share), each seed's runs averaged per task (single-task runs: one per
    /// training task). Tasks without a finite score in every run are left out and listed. `random`:
    /// the random policy's scores; `greedy`: the greedy-acting held-out ones (`greedyScores`).
    public static func scores(of runs: [Run], trained: Bool, random: Bool = false, greedy: Bool = false)
        -> (tasks: [String], rows: [[Double]], seeds: [Int], leftOut: [String]) {
        let bySeed = Dictionary(grouping: runs, by: { $0.cell.seed })
        let seeds = bySeed.keys.sorted()
        func scores(_ run: Run) -> [TaskScore] {
            random ? run.report.randomScores : greedy ? run.greedyScores ?? [] : run.report.scores
        }
        var taskSets = runs.map { Set(scores($0).filter { $0.trained == trained }.map(\.taskID)) }
        if trained { taskSets = [taskSets.dropFirst().reduce(taskSets.first ?? [], { $0.intersection($1) })] }
        let candidates = (trained ? taskSets.first ?? [] : Set(taskSets.flatMap { $0 })).sorted()
        var tasks: [String] = []
        var leftOut: [String] = []
        for task in candidates {
            let values = runs.compactMap { run in scores(run).first { $0.taskID == task && $0.trained == trained }?.normalisedReturn }
            if values.count == runs.count && values.allSatisfy(\.isFinite) { tasks.append(task) } else { leftOut.append(task) }
        }
        let rows = seeds.map { seed in
            tasks.map { task in
                let values = bySeed[seed]!.compactMap { run in scores(run).first { $0.taskID == task }?.normalisedReturn }
                return values.reduce(0, +) / Double(values.count)
            }
        }
        return (tasks, rows, seeds, leftOut)
    }
}
