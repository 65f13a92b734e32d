import Datasets
import Environments
import Foundation
import Testing
import TestSupport

/// `mtrl-dist experiment` end to end: the real binary under real mpirun, real datasets, real run
/// directories, the SVGs rendered by rsvg-convert.
@Suite(.serialized) struct ExperimentRunTests {
    static func binary() throws -> String { try MPIRunLauncher.productPath(named: "mtrl-dist") }

    /// LBF smoke datasets collected once by `experiment run` itself, shared by the tests below.
    static let sharedData: Result<(TemporaryDirectory, String), any Error> = Result {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-data")
        let out = directory.file("first").path
        let outcome = try ProcessRunner.run(try binary(), arguments: ["experiment", "run", "table1", "--env", "lbf", "--scale", "smoke",
                                                                      "--seeds", "1", "--algos", "bc", "--out", out], timeoutSeconds: 600)
        guard outcome.exitStatus == 0 else { throw FixtureError("experiment run failed: \(outcome.combinedOutput)") }
        return (directory, "\(out)/data")
    }

    static func data() throws -> String { try sharedData.get().1 }

    func experiment(_ arguments: [String], ranks: Int? = nil, timeout: Double = 600) throws -> ProcessOutcome {
        if let ranks {
            return try MPIRunLauncher().run(ranks: ranks, program: try Self.binary(), arguments: ["experiment"] + arguments,
                                            timeoutSeconds: timeout)
        }
        return try ProcessRunner.run(try Self.binary(), arguments: ["experiment"] + arguments, timeoutSeconds: timeout)
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Runs `mtrl-dist arguments` and kills it (SIGKILL) a random 0–50 ms after `killWhen` first
    /// holds; returns whether it was killed and its output.
    static func run(_ arguments: [String], killWhen condition: () -> Bool) throws -> (killed: Bool, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mtrl-exp-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        var killed = false
        while process.isRunning {
            if condition() {
                usleep(UInt32.random(in: 0...50_000))
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        try handle.close()
        return (killed, try String(contentsOf: log, encoding: .utf8))
    }

    /// A JSON value as text with sorted keys (dictionaries compare by content, not order).
    static func canonical(_ value: Any?) throws -> String {
        guard let value else { return "absent" }
        let data = try JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func table1SmokeRunsUnderMpirunAndWritesTheReportTheJSONAndRenderablePlots() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-table1")
        let out = directory.file("table1").path
        let run = try experiment(["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "2", "--data", try Self.data(),
                                  "--out", out], ranks: 2)
        #expect(run.exitStatus == 0, "\(run.combinedOutput)")
        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("6 done, 0 running, 0 interrupted, 0 left of 6 runs"), "\(status.combinedOutput)")

        let report = try experiment(["report", "table1", "--out", out])
        #expect(report.exitStatus == 0, "\(report.combinedOutput)")
        let results = try Self.json("\(out)/results.json")
        let groups = try #require(results["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["algorithm"] as? String }) == ["oryx", "cql", "bc"])
        for group in groups {
            #expect((group["scores"] as? [[Double]])?.count == 2, "two seeds per algorithm")
            let intervals = try #require(group["intervals"] as? [String: [String: Any]])
            #expect(Set(intervals.keys) == ["iqm", "median", "mean", "optimality_gap"])
        }
        #expect((results["claims"] as? [[String: Any]])?.count == 3)

        // marl-eval's layout: environment → task → algorithm → run_<seed> → step_<k> / absolute_metrics.
        let marl = try Self.json("\(out)/marl-eval.json")
        let tasks = try #require(marl["lbf"] as? [String: Any])
        #expect(tasks.count == TaskRegistry.tasks(kind: .lbf, split: .train).count + TaskRegistry.tasks(kind: .lbf, split: .test).count)
        let oryx = try #require((tasks["lbf-15x15-4p-3f"] as? [String: Any])?["MT Oryx"] as? [String: Any])
        #expect(Set(oryx.keys) == ["run_0", "run_1"])
        let run0 = try #require(oryx["run_0"] as? [String: Any])
        let step = try #require(run0["step_1"] as? [String: Any])
        #expect(step["step_count"] as? Int == 10)
        #expect((step["mean_episode_return"] as? [Double])?.count == 1)
        #expect(((run0["absolute_metrics"] as? [String: Any])?["normalised_return"] as? [Double])?.count == 1)

        let markdown = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        for expected in ["## Results on held-out tasks", "## The paper's claims", "plots/table1.svg", "plots/curves-lbf.svg", "| lbf |",
                         "made by lbf: oracle", "Finished on (rank 0's CPU and OpenBLAS kernel", "blas: OpenBLAS kernel", "6 run(s)."] {
            #expect(markdown.contains(expected), "report.md lacks \(expected)")
        }
        for plot in ["table1.svg", "curves-lbf.svg"] {
            let svg = try String(contentsOfFile: "\(out)/plots/\(plot)", encoding: .utf8)
            let image = try RenderedImage(svg: svg, width: 760, height: 440, in: directory)
            #expect(image.pngWidth == 760 && image.pngHeight == 440)
            #expect(image.drawnFraction > 0.02, "\(plot) renders blank")
        }
    }

    /// A sweep killed at a random moment and started again ends with the same results as one that
    /// ran through: finished runs are kept, interrupted ones resume bit-exactly, runs killed before
    /// their first checkpoint start again.
    @Test func aSweepKilledAndRestartedEndsAsAnUninterruptedOne() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-kill")
        let common = ["--env", "lbf", "--scale", "smoke", "--seeds", "2", "--algos", "oryx", "--data", try Self.data(),
                      "--settings", "steps=300,checkpoint-every=25,eval-every=100,log-every=100"]
        let whole = directory.file("whole").path
        let reference = try experiment(["run", "table1", "--out", whole] + common)
        #expect(reference.exitStatus == 0, "\(reference.combinedOutput)")

        // Kill the sweep (SIGKILL) at a random moment after a run's first checkpoint, twice; the
        // next start must resume that run and skip the finished one.
        let killed = directory.file("killed").path
        let arguments = ["experiment", "run", "table1", "--out", killed] + common
        let first = "\(killed)/runs/lbf/oryx/mt/seed0", second = "\(killed)/runs/lbf/oryx/mt/seed1"
        let one = try Self.run(arguments, killWhen: { FileManager.default.fileExists(atPath: "\(first)/checkpoints/latest.ckpt") })
        #expect(one.killed && !FileManager.default.fileExists(atPath: "\(first)/final.json"), "\(one.output)")
        let two = try Self.run(arguments, killWhen: { FileManager.default.fileExists(atPath: "\(second)/checkpoints/latest.ckpt") })
        #expect(two.output.contains("lbf/oryx/mt/seed0: resuming from its checkpoint"), "\(two.output)")
        #expect(two.killed && !FileManager.default.fileExists(atPath: "\(second)/final.json"), "\(two.output)")
        let three = try Self.run(arguments, killWhen: { false })
        #expect(three.output.contains("lbf/oryx/mt/seed1: resuming from its checkpoint"), "\(three.output)")
        #expect(!three.output.contains("seed0: "), "the finished run is not touched again: \(three.output)")
        for cell in ["lbf/oryx/mt/seed0", "lbf/oryx/mt/seed1"] {
            let a = try Self.json("\(whole)/runs/\(cell)/final.json"), b = try Self.json("\(killed)/runs/\(cell)/final.json")
            for key in ["parameter_checksum", "evaluated_update", "policy", "random", "updates"] {
                #expect(try Self.canonical(a[key]) == Self.canonical(b[key]), "\(cell): \(key) differs after the kills")
            }
            // Every update's metrics row exactly once.
            let rows = try String(contentsOfFile: "\(killed)/runs/\(cell)/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            let updates = rows.compactMap { $0.split(separator: ",").first.flatMap { Int(Double($0) ?? -1) } }
            #expect(updates == [100, 200, 300], "\(cell): \(updates)")
        }
    }

    /// `--ranks-per-run 1` under two ranks: two groups share the grid through the claims, each run
    /// is trained once.
    @Test func groupsOfRanksShareTheGridWithoutTrainingARunTwice() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-groups")
        let out = directory.file("groups").path
        let outcome = try experiment(["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "2", "--algos", "bc,oryx",
                                      "--data", try Self.data(), "--ranks-per-run", "1", "--out", out], ranks: 2)
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        #expect(outcome.standardOutput.contains("[group 0]") && outcome.standardOutput.contains("[group 1]"))
        let starts = outcome.standardOutput.split(separator: "\n").filter { $0.contains(": starting") }
        #expect(starts.count == 4, "each of the 4 runs starts once: \(starts)")
        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("4 done"), "\(status.combinedOutput)")

        let odd = try experiment(["run", "table1", "--ranks-per-run", "3", "--out", out], ranks: 2)
        #expect(odd.exitStatus != 0)
        #expect(odd.combinedOutput.contains("ranks-per-run"), "\(odd.combinedOutput)")
    }

    /// A group that runs out of cells waits for the others' last runs longer than the runs'
    /// collective timeout without the sweep being ended as stalled (it was: one group aborted the
    /// job, and the other group's last run, after 900 s of it, was cut off).
    @Test func aGroupWaitingForTheLastRunIsNotAStall() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-wait")
        let out = directory.file("wait").path
        let outcome = try experiment(["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "3", "--algos", "bc",
                                      "--settings", "collective-timeout=1,steps=300", "--data", try Self.data(), "--ranks-per-run", "1",
                                      "--out", out], ranks: 2)
        #expect(outcome.exitStatus == 0 && !outcome.combinedOutput.contains("never arrived"), "\(outcome.combinedOutput)")
        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("3 done"), "\(status.combinedOutput)")
    }

    /// A job-array task runs only its cell; a changed grid in the same directory is refused.
    @Test func oneCellAtATimeAndNoSilentChangeOfTheGrid() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-cell")
        let out = directory.file("cells").path
        let arguments = ["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "2", "--algos", "bc", "--data", try Self.data(),
                         "--out", out]
        let one = try experiment(arguments + ["--cell", "1"])
        #expect(one.exitStatus == 0, "\(one.combinedOutput)")
        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("lbf/bc/mt/seed0") && status.standardOutput.contains("1 done"), "\(status.combinedOutput)")
        #expect(try experiment(["status", "table1", "--out", out, "--count"]).standardOutput == "2\n")

        let changed = try experiment(["run", "table1", "--seeds", "3", "--out", out])
        #expect(changed.exitStatus == 2)
        #expect(changed.standardError.contains("seeds: 2 → 3"), "\(changed.combinedOutput)")
        let wrongName = try experiment(["status", "fig1", "--out", out])
        #expect(wrongName.exitStatus == 2, "\(wrongName.combinedOutput)")
        let unknown = try experiment(["run", "table9", "--out", out])
        #expect(unknown.exitStatus == 2 && unknown.standardError.contains("table1"), "\(unknown.combinedOutput)")
        let badCell = try experiment(arguments + ["--cell", "7"])
        #expect(badCell.exitStatus == 2, "\(badCell.combinedOutput)")
    }

    /// fig1's MT run has table1's settings on the same data: `--reuse` copies the finished run
    /// (its config.json then names its new directory) and trains only the single-task runs.
    @Test func anotherExperimentsEqualFinishedRunIsCopiedNotTrainedAgain() throws {
        let data = try Self.data()
        let table1 = (data as NSString).deletingLastPathComponent  // the fixture's table1: BC, seed 0
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-reuse")
        let out = directory.file("fig1").path
        let arguments = ["run", "fig1", "--env", "lbf", "--scale", "smoke", "--seeds", "1", "--algos", "bc", "--data", data, "--out", out]
        let outcome = try experiment(arguments + ["--reuse", table1])
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.contains(": starting") }.count == 5, "the 5 single-task runs train: \(outcome.standardOutput)")
        #expect(lines.filter { $0.contains("lbf/bc/mt/seed0: reused") }.count == 1, "\(outcome.standardOutput)")

        let source = "\(table1)/runs/lbf/bc/mt/seed0", copy = "\(out)/runs/lbf/bc/mt/seed0"
        #expect(FileManager.default.contents(atPath: "\(copy)/final.json") == FileManager.default.contents(atPath: "\(source)/final.json"))
        var copied = try Self.json("\(copy)/config.json"), original = try Self.json("\(source)/config.json")
        #expect(copied["out"] as? String == copy)
        copied["out"] = nil
        original["out"] = nil
        #expect(try Self.canonical(copied) == Self.canonical(original))
        let status = try experiment(["status", "fig1", "--out", out])
        #expect(status.standardOutput.contains("done (reused from \(source))") && status.standardOutput.contains("6 done"),
                "\(status.combinedOutput)")
        #expect(try experiment(["report", "fig1", "--out", out]).exitStatus == 0)
        let report = try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)
        #expect(report.contains("1 of the finished runs are copies"), "\(report)")

        let own = try experiment(arguments + ["--reuse", out])
        #expect(own.exitStatus == 2 && own.standardError.contains("own directory"), "\(own.combinedOutput)")
        let missing = try experiment(arguments + ["--reuse", directory.file("nothing").path])
        #expect(missing.exitStatus != 0 && missing.standardError.contains("--reuse"), "\(missing.combinedOutput)")

        // A source run this build cannot read is trained again instead of copied.
        let damaged = directory.file("damaged-table1").path
        try FileManager.default.copyItem(atPath: table1, toPath: damaged)
        let config = "\(damaged)/runs/lbf/bc/mt/seed0/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "{", with: "{\n  \"no-such-setting\": \"1\",").write(toFile: config, atomically: true, encoding: .utf8)
        let other = directory.file("fig1-again").path
        let trained = try experiment(["run", "fig1", "--env", "lbf", "--scale", "smoke", "--seeds", "1", "--algos", "bc", "--data", data,
                                      "--out", other, "--reuse", damaged])
        #expect(trained.exitStatus == 0 && trained.standardOutput.contains("cannot reuse"), "\(trained.combinedOutput)")
        #expect(trained.standardOutput.split(separator: "\n").filter { $0.contains(": starting") }.count == 6, "\(trained.standardOutput)")
        #expect(!FileManager.default.fileExists(atPath: "\(other)/claims/lbf/bc/mt/seed0/reused-from.txt"))
    }

    /// `experiment evaluate` (under mpirun) re-scores the sampling algorithm's finished run acting
    /// greedily, once; CQL acts greedily already. The report shows the greedy held-out mean beside
    /// the own one: the mean of the row evaluate wrote for Oryx, CQL's own score for CQL.
    @Test func greedyActingDiagnosticIsMeasuredOnceAndReported() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-greedy")
        let out = directory.file("table1").path
        let train = try experiment(["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "1", "--algos", "oryx,cql",
                                    "--data", try Self.data(), "--out", out])
        #expect(train.exitStatus == 0, "\(train.combinedOutput)")
        try #require(try experiment(["report", "table1", "--out", out]).exitStatus == 0)
        #expect(!(try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)).contains("Diagnostic: acting greedily"))

        let first = try experiment(["evaluate", "table1", "--out", out, "--episodes", "4"], ranks: 2)
        #expect(first.exitStatus == 0 && first.standardOutput.contains("1 run(s) measured now, 1 before"), "\(first.combinedOutput)")
        let csv = try String(contentsOfFile: "\(out)/runs/lbf/oryx/mt/seed0/evaluate-test-greedy-policy.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        try #require(lines.count == 2, "one row: \(csv)")
        let normalised = zip(lines[0], lines[1]).filter { $0.0.hasPrefix("norm/") }.compactMap { Double($0.1) }
        #expect(normalised.count == TaskRegistry.tasks(kind: .lbf, split: .test).count)
        let again = try experiment(["evaluate", "table1", "--out", out], ranks: 2)
        #expect(again.standardOutput.contains("0 run(s) measured now, 2 before"), "\(again.combinedOutput)")

        try #require(try experiment(["report", "table1", "--out", out]).exitStatus == 0)
        #expect((try String(contentsOfFile: "\(out)/report.md", encoding: .utf8)).contains("## Diagnostic: acting greedily"))
        let groups = try #require(try Self.json("\(out)/results.json")["groups"] as? [[String: Any]])
        func mean(_ algorithm: String, _ key: String) -> Double? {
            ((groups.first { $0["algorithm"] as? String == algorithm }?[key]) as? [String: Any])?["mean"] as? Double
        }
        let expected = normalised.reduce(0, +) / Double(normalised.count)
        #expect(abs((mean("oryx", "greedy_test") ?? .nan) - expected) < 1e-9, "\(groups)")
        #expect(mean("cql", "greedy_test") == mean("cql", "test"))
    }

    /// A grid records only its scale's name: a run made with other settings than the current build
    /// gives its cell (as after a change of the scale) is named by `status` and refused by `run`,
    /// `report` and `evaluate`, never counted as the cell's result; nothing in the run is touched.
    @Test func aRunMadeWithOtherSettingsThanItsCellIsRefusedNotCounted() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-settings")
        let out = directory.file("table1").path
        let arguments = ["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "1", "--algos", "bc", "--data", try Self.data(), "--out", out]
        try #require(try experiment(arguments).exitStatus == 0)
        let run = "\(out)/runs/lbf/bc/mt/seed0"
        let config = "\(run)/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try #require(text.contains("\"steps\": \"20\""))
        try text.replacingOccurrences(of: "\"steps\": \"20\"", with: "\"steps\": \"10\"").write(toFile: config, atomically: true, encoding: .utf8)
        let final = FileManager.default.contents(atPath: "\(run)/final.json")

        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("MADE WITH OTHER SETTINGS (steps 10 → 20)"), "\(status.combinedOutput)")
        let again = try experiment(arguments)
        #expect(again.exitStatus == 1 && again.standardError.contains("\(run) holds a run made with other settings")
                    && again.standardError.contains("steps 10 → 20"), "\(again.combinedOutput)")
        let report = try experiment(["report", "table1", "--out", out])
        #expect(report.exitStatus == 1 && report.standardError.contains("steps 10 → 20"), "\(report.combinedOutput)")
        let evaluate = try experiment(["evaluate", "table1", "--out", out])
        #expect(evaluate.exitStatus == 1 && evaluate.standardError.contains("steps 10 → 20"), "\(evaluate.combinedOutput)")
        #expect(FileManager.default.contents(atPath: "\(run)/final.json") == final)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/report.md"))
    }

    /// `--prepare-only grid` records the grid and nothing else (a job array is sized from it);
    /// `--prepare-only data` also collects the datasets; neither trains a run.
    @Test func prepareOnlyRecordsTheGridThenCollectsTheDataAndTrainsNothing() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-prepare")
        let out = directory.file("prepared").path, data = directory.file("data").path
        let arguments = ["run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "1", "--algos", "bc,oryx", "--data", data,
                         "--out", out]
        let grid = try experiment(arguments + ["--prepare-only", "grid"])
        #expect(grid.exitStatus == 0, "\(grid.combinedOutput)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/experiment.json"))
        #expect(!FileManager.default.fileExists(atPath: data), "grid collects nothing")
        #expect(try experiment(["status", "table1", "--out", out, "--count"]).standardOutput == "2\n")

        let collected = try experiment(["run", "table1", "--out", out, "--prepare-only", "data"])
        #expect(collected.exitStatus == 0, "\(collected.combinedOutput)")
        #expect(FileManager.default.fileExists(atPath: "\(data)/lbf/collection.json"), "\(collected.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/runs"), "nothing trained: \(collected.combinedOutput)")
        let status = try experiment(["status", "table1", "--out", out])
        #expect(status.standardOutput.contains("0 done, 0 running, 0 interrupted, 2 left of 2 runs"), "\(status.combinedOutput)")

        let withCell = try experiment(["run", "table1", "--out", out, "--prepare-only", "data", "--cell", "0"])
        #expect(withCell.exitStatus == 2 && withCell.standardError.contains("--prepare-only"), "\(withCell.combinedOutput)")
        let unknownStage = try experiment(["run", "table1", "--out", out, "--prepare-only", "all"])
        #expect(unknownStage.exitStatus == 2 && unknownStage.standardError.contains("grid, data"), "\(unknownStage.combinedOutput)")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A run that stops on all its ranks (a non-finite update from poisoned data) is recorded as
/// failed and the sweep goes on; later sweeps skip it (exit 1) until `--retry-failed`.
@Suite struct ExperimentFailureTests {
    @Test func failedRunsAreRecordedSkippedAndRetried() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-exp-failed")
        let data = directory.file("data").path
        try FileManager.default.copyItem(atPath: try ExperimentRunTests.data(), toPath: data)
        let original = directory.file("original.mtds").path
        let poisoned = "\(data)/lbf/lbf-8x8-2p-2f-coop.mtds"
        try FileManager.default.copyItem(atPath: poisoned, toPath: original)
        let count = try DatasetFile(path: poisoned).contents().observations.count
        try DatasetPatch.replace(.observations, indices: Array(0..<count), with: 3e38, source: poisoned, destination: poisoned)
        let out = directory.file("exp").path
        // Raw observations: standardisation would scale the huge values back to finite inputs.
        let arguments = ["experiment", "run", "table1", "--env", "lbf", "--scale", "smoke", "--seeds", "2", "--algos", "bc",
                         "--settings", "standardise=off", "--data", data, "--out", out]
        let binary = try ExperimentRunTests.binary()
        let first = try ProcessRunner.run(binary, arguments: arguments, timeoutSeconds: 600)
        #expect(first.exitStatus == 1, "\(first.combinedOutput)")
        #expect(first.standardOutput.contains("lbf/bc/mt/seed0 failed") && first.standardOutput.contains("lbf/bc/mt/seed1 failed"),
                "both runs fail and the sweep reaches the second: \(first.combinedOutput)")
        let status = try ProcessRunner.run(binary, arguments: ["experiment", "status", "table1", "--out", out], timeoutSeconds: 60)
        #expect(status.standardOutput.contains("2 failed") && status.standardOutput.contains("not finite"), "\(status.combinedOutput)")

        let again = try ProcessRunner.run(binary, arguments: arguments, timeoutSeconds: 600)
        #expect(again.exitStatus == 1 && !again.standardOutput.contains(": starting"), "failed runs are skipped: \(again.combinedOutput)")

        try FileManager.default.removeItem(atPath: poisoned)
        try FileManager.default.copyItem(atPath: original, toPath: poisoned)
        let retried = try ProcessRunner.run(binary, arguments: arguments + ["--retry-failed"], timeoutSeconds: 600)
        #expect(retried.exitStatus == 0, "\(retried.combinedOutput)")
        let done = try ProcessRunner.run(binary, arguments: ["experiment", "status", "table1", "--out", out], timeoutSeconds: 60)
        #expect(done.standardOutput.contains("2 done"), "\(done.combinedOutput)")
    }
}
