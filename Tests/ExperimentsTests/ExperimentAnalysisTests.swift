import Environments
import Experiments
import Foundation
import Losses
import Testing
import TestSupport
import Training

/// The report's numbers and verdicts, from run directories holding hand-made final reports.
@Suite struct ExperimentAnalysisTests {
    let heldOut = TaskRegistry.tasks(kind: .lbf, split: .test)
    let training = TaskRegistry.tasks(kind: .lbf, split: .train)

    /// Writes a final.json for `cell` whose held-out task i scores `score(i)` and training tasks 0.5.
    func finish(_ cell: ExperimentCell, score: (Int) -> Double) throws {
        let trainedIDs = Set(cell.config.tasks.split(separator: ",").map(String.init))
        let scores = training.map { TaskScore(taskID: $0.id, split: .train, trained: trainedIDs.contains($0.id), episodes: 4,
                                              meanReturn: 0.5, normalisedReturn: 0.5) }
            + heldOut.enumerated().map { i, task in
                TaskScore(taskID: task.id, split: .test, trained: false, episodes: 4, meanReturn: score(i), normalisedReturn: score(i))
            }
        let random = scores.map { TaskScore(taskID: $0.taskID, split: $0.split, trained: $0.trained, episodes: 4, meanReturn: 0.1,
                                            normalisedReturn: 0.1) }
        let report = FinalReport(updates: 20, evaluatedUpdate: 20, selectBy: "train", parameterChecksum: "", tokensPerSecond: 1,
                                 allReduceFraction: 0, peakMemoryMB: 1, elapsedSeconds: 1, ranks: 1, behaviour: "oracle",
                                 normalisation: .ratio, flaggedTasks: [:], scores: scores.filter { $0.trained || $0.split == .test },
                                 randomScores: random.filter { $0.trained || $0.split == .test })
        try FileManager.default.createDirectory(atPath: cell.config.out, withIntermediateDirectories: true)
        try report.json.write(toFile: RunDirectory(path: cell.config.out).finalReport, atomically: true, encoding: .utf8)
    }

    /// A smoke-scale LBF grid whose data lie in `directory`.
    func spec(_ name: ExperimentName, seeds: Int, algorithms: [LossKind], in directory: TemporaryDirectory) -> ExperimentSpec {
        ExperimentSpec(name: name, scale: .smoke, environments: [.lbf], seeds: seeds, algorithms: algorithms, taskCounts: nil,
                       data: directory.file("data").path, overrides: [:])
    }

    func analyse(_ name: ExperimentName, seeds: Int, algorithms: [LossKind], in directory: TemporaryDirectory,
                 score: (ExperimentCell, Int) -> Double) throws -> ExperimentAnalysis {
        let spec = spec(name, seeds: seeds, algorithms: algorithms, in: directory)
        let experiment = ExperimentDirectory(path: directory.url.path)
        let cells = try ExperimentPlan.cells(for: spec, directory: experiment)
        for cell in cells { try finish(cell) { score(cell, $0) } }
        return ExperimentAnalysis(spec: spec, results: try ExperimentResults(cells: cells))
    }

    @Test func table1VerdictsFollowTheScores() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-analysis")
        // Oryx well above BC, BC and CQL interleaved (same values, other seeds): holds / inconclusive.
        let level: [LossKind: Double] = [.oryx: 0.8, .bc: 0.3, .cql: 0.3]
        let analysis = try analyse(.table1, seeds: 3, algorithms: [.oryx, .cql, .bc], in: directory) { cell, task in
            level[cell.algorithm]! + 0.01 * Double(task) + 0.02 * Double(cell.seed)
        }
        let verdicts = Dictionary(uniqueKeysWithValues: analysis.claims.map { ($0.claim, $0.verdict) })
        #expect(verdicts["MT Oryx beats MT BC-Sable (lbf)"] == .holds)
        #expect(verdicts["MT Oryx beats MT CQL-Sable (lbf)"] == .holds)
        #expect(verdicts["MT BC-Sable beats MT CQL-Sable (lbf)"] == .inconclusive)
        let oryx = try #require(analysis.summaries.first { $0.algorithm == "oryx" })
        // Seed s: mean over the held-out tasks 0.8 + 0.01·mean(i) + 0.02·s; then over seeds 0, 1, 2.
        let taskMean = 0.01 * Double(heldOut.count - 1) / 2
        #expect(abs(oryx.test.mean - (0.8 + taskMean + 0.02)) < 1e-12)
        #expect(abs(oryx.test.standardError - 0.02 / 3.0.squareRoot()) < 1e-12)
        #expect(oryx.scores.count == 3 && oryx.scores[0].count == heldOut.count)
        #expect(abs(oryx.train.mean - 0.5) < 1e-12 && abs(oryx.randomTest.mean - 0.1) < 1e-12)
    }

    @Test func reversedScoresMakeTheClaimFail() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-analysis")
        let level: [LossKind: Double] = [.oryx: 0.2, .bc: 0.7, .cql: 0.4]
        let analysis = try analyse(.table1, seeds: 2, algorithms: [.oryx, .cql, .bc], in: directory) { cell, task in
            level[cell.algorithm]! + 0.01 * Double(task)
        }
        let verdicts = Dictionary(uniqueKeysWithValues: analysis.claims.map { ($0.claim, $0.verdict) })
        #expect(verdicts["MT Oryx beats MT BC-Sable (lbf)"] == .doesNotHold)
        #expect(verdicts["MT BC-Sable beats MT CQL-Sable (lbf)"] == .holds)
    }

    /// fig1: the single-task runs of a seed are averaged per held-out task into one row.
    @Test func singleTaskRunsOfASeedAreAveragedPerTask() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-analysis")
        let analysis = try analyse(.fig1, seeds: 2, algorithms: [.oryx], in: directory) { cell, task in
            guard cell.setting == "ST" else { return 0.9 }
            // ST run on training task j scores j / 10 on every held-out task.
            let j = training.firstIndex { $0.id == cell.config.tasks }!
            return Double(j) / 10 + Double(task) * 0
        }
        let st = try #require(analysis.summaries.first { $0.setting == "ST" })
        let expected = Double((0..<training.count).reduce(0, +)) / 10 / Double(training.count)
        #expect(st.runs == 2 * training.count)
        #expect(st.scores.allSatisfy { row in row.allSatisfy { abs($0 - expected) < 1e-12 } })
        let claim = try #require(analysis.claims.first)
        #expect(claim.verdict == .holds)
        #expect(claim.evidence.contains(String(format: "%+.0f %%", 100 * (0.9 / expected - 1))))
    }

    /// The report is written for a partial grid and says so.
    @Test func aPartialGridGivesAPartialReport() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-analysis")
        let spec = spec(.table1, seeds: 2, algorithms: [.oryx, .bc], in: directory)
        let experiment = ExperimentDirectory(path: directory.url.path)
        try experiment.adopt(spec)
        let cells = try ExperimentPlan.cells(for: spec, directory: experiment)
        #expect(throws: ExperimentError.self) { try ExperimentReport.write(spec: spec, directory: experiment) }
        try finish(cells[0]) { _ in 0.4 }
        try ExperimentReport.write(spec: spec, directory: experiment)
        let markdown = try String(contentsOfFile: experiment.reportFile, encoding: .utf8)
        #expect(markdown.contains("1 of 4 runs finished"))
        #expect(markdown.contains("**Partial report**"))
        #expect(markdown.contains("| not run |") || markdown.contains("**not run**"))
        // Reports name the data relative to the experiment directory, never by this machine's path.
        #expect(markdown.contains("Datasets: `data`") && !markdown.contains(directory.url.path))
        let results = try String(contentsOfFile: experiment.resultsFile, encoding: .utf8)
        #expect(results.contains("\"data\" : \"data\"") && !results.contains(directory.url.path), "\(results.prefix(600))")
    }

    /// The report's per-task table gives each held-out task's mean over seeds, per setting.
    @Test func theReportListsEachHeldOutTask() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-analysis")
        let spec = spec(.table1, seeds: 2, algorithms: [.oryx, .bc], in: directory)
        let experiment = ExperimentDirectory(path: directory.url.path)
        try experiment.adopt(spec)
        for cell in try ExperimentPlan.cells(for: spec, directory: experiment) {
            // Task i, seed s: 0.1·i + 0.02·s (+ 0.5 for Oryx); the mean over seeds 0 and 1 is 0.1·i + 0.01.
            try finish(cell) { i in 0.1 * Double(i) + 0.02 * Double(cell.seed) + (cell.algorithm == .oryx ? 0.5 : 0) }
        }
        try ExperimentReport.write(spec: spec, directory: experiment)
        let markdown = try String(contentsOfFile: experiment.reportFile, encoding: .utf8)
        let section = try #require(markdown.components(separatedBy: "## Held-out tasks one by one").dropFirst().first)
        let rows: [String] = section.split(separator: "\n").map(String.init).filter { $0.hasPrefix("|") }
        let columns = heldOut.map(\.id).sorted()
        let header = "| algorithm | setting | " + columns.joined(separator: " | ") + " |"
        #expect(rows.first == header)
        func row(_ algorithm: String, offset: Double) -> String? {
            let means = columns.map { id in
                String(format: "%.3f", offset + 0.1 * Double(heldOut.firstIndex { $0.id == id }!) + 0.01)
            }
            let suffix = "| " + means.joined(separator: " | ") + " |"
            return rows.first { $0.hasPrefix("| \(algorithm) |") && $0.hasSuffix(suffix) }
        }
        #expect(row("Oryx", offset: 0.5) != nil, "\(rows)")
        #expect(row("BC-Sable", offset: 0) != nil, "\(rows)")
    }

    @Test func pathsRelativeToTheExperimentDirectory() {
        let experiment = ExperimentDirectory(path: "/scratch/exp/table1")
        #expect(experiment.relative("/scratch/exp/table1/data") == "data")
        #expect(experiment.relative("/scratch/exp/data") == "../data")
        #expect(experiment.relative("/other/data/") == "../../../other/data")
        #expect(experiment.relative("/scratch/exp/table1") == ".")
    }
}
