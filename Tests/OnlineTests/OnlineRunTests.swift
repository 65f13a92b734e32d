import Distributed
import Foundation
import Online
import Testing
import TestSupport
import Training

/// Whole online runs in their run directory (online-sable.md §1.8–§1.10): metrics and final.json,
/// a stopped and continued run equals an uninterrupted one, evaluation leaves training alone,
/// and bad restarts are refused. lbf-8x8-2p-2f-coop, E = 16, 4 envs × 16 steps: tenths of a second.
@Suite(.serialized) struct OnlineRunTests {
    static func settings(_ out: URL, updates: Int = 8, _ changes: [String: String] = [:]) throws -> OnlineRunSettings {
        var s = OnlineRunSettings()
        for (key, value) in ["task": "lbf-8x8-2p-2f-coop", "embed": "16", "envs": "4", "steps": "16", "epochs": "2",
                             "minibatches": "2", "chunk": "8", "updates": "\(updates)", "checkpoint-every": "2",
                             "eval-every": "3", "eval-episodes": "4", "final-eval-episodes": "8", "out": out.path]
            .merging(changes, uniquingKeysWith: { $1 }) { try s.set(key, value) }
        return s
    }

    /// Runs to the end (or a signal); returns the trainer.
    @discardableResult
    static func train(_ settings: OnlineRunSettings) throws -> OnlineTrainer {
        let trainer = try OnlineTrainer(settings: settings, communicator: SingleProcessCommunicator())
        #expect(try trainer.run() == .completed)
        return trainer
    }

    /// The rows of `metrics.csv` without the timing columns (acting_s, training_s, agent_steps_per_s).
    static func trainingRows(_ run: URL) throws -> [String] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(3).joined(separator: ",") }
    }

    @Test("a run writes config.json, metrics.csv, eval.csv, checkpoints and final.json with R_final and R_max")
    func runDirectoryHoldsEverything() throws {
        let dir = try TemporaryDirectory(prefix: "online-files")
        let run = dir.file("run")
        let trainer = try OnlineTrainer(settings: try Self.settings(run, updates: 4), communicator: SingleProcessCommunicator())
        var records: [OnlineUpdateRecord] = []
        #expect(try trainer.run { records.append($0) } == .completed)
        #expect(records.map(\.update) == [1, 2, 3, 4])
        #expect(records.map(\.environmentSteps) == [64, 128, 192, 256])
        #expect(records.allSatisfy { $0.terms.entropy > 0 && $0.terms.total.isFinite })
        for file in ["config.json", "metrics.csv", "eval.csv", "final.json", "checkpoints/latest.ckpt", "checkpoints/previous.ckpt",
                     "checkpoints/best.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try Self.trainingRows(run).count == 5)  // header + 4 updates
        let eval = try String(contentsOf: run.appendingPathComponent("eval.csv"), encoding: .utf8).split(separator: "\n")
        #expect(eval.dropFirst().map { $0.prefix { $0 != "," } } == ["0.0", "3.0", "4.0"])  // update 0, every 3, the end
        let report = try OnlineFinalReport.read(path: run.appendingPathComponent("final.json").path)
        #expect(report.finalReturn.count == 8 && report.maximumReturn.count == 8)
        #expect(report.settingsSet == "latest" && report.settingsSetChanges == ["epochs", "minibatches"])
        #expect(report.environmentSteps == 4 * 4 * 16)
        let latest = try Checkpoint.read(from: run.appendingPathComponent("checkpoints/latest.ckpt").path)
        #expect(latest.parameters == trainer.parameters.buffer.toArray() && latest.update == 4)
        #expect(latest.adamSteps == 4 * 2 * 2)
    }

    @Test("a run stopped at a checkpoint and continued ends with the parameters and metric rows of an uninterrupted run")
    func continuedRunEqualsUninterruptedRun() throws {
        let dir = try TemporaryDirectory(prefix: "online-resume")
        let straight = try Self.train(try Self.settings(dir.file("a"), updates: 8))
        try Self.train(try Self.settings(dir.file("b"), updates: 4))
        let continued = try OnlineTrainer(settings: try Self.settings(dir.file("b"), updates: 8), communicator: SingleProcessCommunicator())
        #expect(continued.startUpdate == 4)
        #expect(try continued.run() == .completed)
        #expect(continued.parameters.buffer.toArray() == straight.parameters.buffer.toArray())
        let rows = try Self.trainingRows(dir.file("a"))
        #expect(rows.count == 9)
        #expect(try Self.trainingRows(dir.file("b")) == rows)
        #expect(continued.finalReport?.parameterChecksum == straight.finalReport?.parameterChecksum)
    }

    @Test("training is the same whatever the evaluation cadence and episodes (evaluation has its own envs and streams)")
    func evaluationDoesNotPerturbTraining() throws {
        let dir = try TemporaryDirectory(prefix: "online-eval")
        let rare = try Self.train(try Self.settings(dir.file("a"), ["eval-every": "100", "eval-episodes": "1"]))
        let often = try Self.train(try Self.settings(dir.file("b"), ["eval-every": "1", "eval-episodes": "6"]))
        #expect(rare.parameters.buffer.toArray() == often.parameters.buffer.toArray())
        #expect(try Self.trainingRows(dir.file("a")) == (try Self.trainingRows(dir.file("b"))))
    }

    @Test("a restart with another setting is refused naming it; a finished run asks for more updates")
    func changedSettingsAreRefused() throws {
        let dir = try TemporaryDirectory(prefix: "online-config")
        let run = dir.file("run")
        try Self.train(try Self.settings(run, updates: 2))
        #expect {
            try OnlineTrainer(settings: try Self.settings(run, updates: 2, ["lr": "0.001"]), communicator: SingleProcessCommunicator())
        } throws: { "\($0)".contains("'lr'") && "\($0)".contains("saved 0.0005, given 0.001") }
        do {
            let again = try OnlineTrainer(settings: try Self.settings(run, updates: 2), communicator: SingleProcessCommunicator())
            #expect(try again.run() == .alreadyFinished)
        }
        #expect {
            try OnlineTrainer(settings: try Self.settings(run, updates: 1), communicator: SingleProcessCommunicator())
        } throws: { "\($0)".contains("--updates 1 is below the checkpoint's update 2") }
    }

    @Test("an unknown task, a foreign or locked directory and a corrupt checkpoint are refused with what to do")
    func badInputIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "online-bad")
        #expect { try OnlineTrainer(settings: try Self.settings(dir.file("a"), ["task": "lbf-8x8-2p-2f-cop"]),
                                    communicator: SingleProcessCommunicator()) } throws: { "\($0)".contains("lbf-8x8-2p-2f-coop") }
        let foreign = dir.file("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        #expect { try OnlineTrainer(settings: try Self.settings(foreign), communicator: SingleProcessCommunicator()) }
            throws: { "\($0)".contains("not a run directory of this command") && "\($0)".contains("notes.txt") }
        let run = dir.file("run")
        try Self.train(try Self.settings(run, updates: 2))
        do {
            let holder = try RunLock(directory: run.path, purpose: "test")
            #expect { try OnlineTrainer(settings: try Self.settings(run, updates: 4), communicator: SingleProcessCommunicator()) }
                throws: { "\($0)".contains("in use by") }
            withExtendedLifetime(holder) {}
        }
        let latest = run.appendingPathComponent("checkpoints/latest.ckpt")
        var bytes = try Data(contentsOf: latest)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: latest)
        #expect { try OnlineTrainer(settings: try Self.settings(run, updates: 4), communicator: SingleProcessCommunicator()) }
            throws: { "\($0)".contains("corrupted") && "\($0)".contains("previous.ckpt") }
    }
}

/// The learning-curve plot of a finished run: SVG that rsvg-convert renders, naming the task and
/// R_max, with a point per evaluation.
@Suite struct OnlineLearningCurveTests {
    @Test func aFinishedRunsCurveRenders() throws {
        let dir = try TemporaryDirectory(prefix: "online-curve")
        let run = dir.file("run")
        let trainer = try OnlineRunTests.train(try OnlineRunTests.settings(run, updates: 6))
        let svg = try OnlineLearningCurve.svg(run: run.path, references: [(label: "heuristic 0.5", value: 0.5)])
        let report = try #require(trainer.finalReport)
        #expect(svg.contains("online Sable on lbf-8x8-2p-2f-coop, 6 updates"))
        #expect(svg.contains(String(format: "R_max %.3f", report.maximumReturn.mean)) && svg.contains("heuristic 0.5"))
        let evaluations = try #require(try MetricsTable.read(path: run.appendingPathComponent("eval.csv").path))
        // Evaluations at updates 0, 3, 6: one marker each in the evaluation series, besides the two
        // legend markers (the training series has none: no episode ends within these 6 × 16 steps).
        #expect(evaluations.rows.count == 3 && svg.components(separatedBy: "class=\"marker\"").count - 1 == 3 + 2)
        let image = try RenderedImage(svg: svg, width: 760, height: 440, in: dir)
        #expect(image.pngWidth == 760 && image.pngHeight == 440 && image.drawnFraction > 0.02)
        #expect(throws: RunDirectoryError.self) { try OnlineLearningCurve.svg(run: dir.file("missing").path) }
    }
}

/// The best parameters are those of the latest evaluation with the highest mean so far.
@Suite struct OnlineBestSelectionTests {
    @Test func tiesGoToTheLaterEvaluation() throws {
        let dir = try TemporaryDirectory(prefix: "online-best")
        // One episode per evaluation of an untrained policy: mostly return 0, so evaluations tie.
        try OnlineRunTests.train(try OnlineRunTests.settings(dir.file("run"), updates: 8, ["eval-every": "1", "eval-episodes": "1"]))
        let table = try #require(try MetricsTable.read(path: dir.file("run/eval.csv").path))
        let updates = try #require(table.column("update")), means = try #require(table.column("mean_return"))
        let best = try #require(table.column("best_update"))
        var expected = -1.0, highest = -Double.infinity, ties = 0
        for (update, mean) in zip(updates, means) {
            if mean == highest { ties += 1 }
            if mean >= highest { highest = mean; expected = update }
        }
        #expect(ties > 0, "no two evaluations tied: the test checks nothing; use another seed")
        #expect(best.last == expected, "best update \(best.last ?? .nan), expected \(expected) (evaluations \(means))")
    }
}
