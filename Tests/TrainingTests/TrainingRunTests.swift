import Datasets
import Foundation
import Testing
import TestSupport
import Training

/// Whole runs: simulated ranks against mpirun, resume against an uninterrupted run, files and errors.
@Suite(.serialized) struct TrainingRunTests {
    func parameters(of run: URL) throws -> [Float] {
        try Checkpoint.read(from: run.appendingPathComponent("checkpoints/latest.ckpt").path).parameters
    }

    @Test("after 20 updates --simulate-ranks 3 matches mpirun -n 3")
    func simulatedRanksMatchMPIAfter20Updates() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-sim")
        let steps = ["--steps", "20", "--algo", "oryx"]
        let mpi = try TrainerFixture.train(ranks: 3, TrainerFixture.smallRun + steps + ["--out", dir.file("mpi").path])
        try #require(mpi.exitStatus == 0, "\(mpi.combinedOutput)")
        let sim = try TrainerFixture.train(TrainerFixture.smallRun + steps + ["--simulate-ranks", "3", "--out", dir.file("sim").path])
        try #require(sim.exitStatus == 0, "\(sim.combinedOutput)")
        let a = try parameters(of: dir.file("mpi")), b = try parameters(of: dir.file("sim"))
        let maxDiff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(maxDiff <= 1e-5)
        // And training moved the parameters (the comparison is not between two initialisations).
        let initial = try TrainerFixture.train(TrainerFixture.smallRun + ["--steps", "0", "--out", dir.file("init").path])
        try #require(initial.exitStatus == 0)
        #expect(zip(a, try parameters(of: dir.file("init"))).contains { abs($0 - $1) > 1e-4 })
    }

    @Test("a run interrupted and resumed ends with the parameters of an uninterrupted run")
    func resumeReproducesUninterruptedRun() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-resume")
        let straight = try TrainerFixture.train(ranks: 2, TrainerFixture.smallRun + ["--steps", "16", "--out", dir.file("a").path])
        try #require(straight.exitStatus == 0, "\(straight.combinedOutput)")
        let first = try TrainerFixture.train(ranks: 2, TrainerFixture.smallRun + ["--steps", "7", "--out", dir.file("b").path])
        try #require(first.exitStatus == 0, "\(first.combinedOutput)")
        let resumed = try TrainerFixture.train(ranks: 2, ["--resume", dir.file("b").path, "--steps", "16"])
        try #require(resumed.exitStatus == 0, "\(resumed.combinedOutput)")
        #expect(resumed.standardOutput.contains("resumed"))
        #expect(try parameters(of: dir.file("a")) == (try parameters(of: dir.file("b"))))
    }

    @Test("a run writes config, metrics, checkpoints and final.json")
    func runDirectoryHoldsMetricsAndCheckpoints() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-files")
        let run = dir.file("run")
        let outcome = try TrainerFixture.train(ranks: 2, TrainerFixture.arguments(overriding: [
            "steps": "10", "eval-every": "5", "eval-episodes": "2", "final-eval-episodes": "4", "out": run.path]))
        try #require(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        for file in ["config.json", "metrics.jsonl", "metrics.csv", "eval.csv", "final.json", "checkpoints/latest.ckpt",
                     "checkpoints/best.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        let csv = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)  // header + updates 5 and 10
        let final = try String(contentsOf: run.appendingPathComponent("final.json"), encoding: .utf8)
        #expect(final.contains("\"policy_test_mean\""))
        #expect(outcome.standardOutput.contains("mean held-out (zero-shot)"))
        #expect(!outcome.standardError.contains("error"))
    }

    @Test("SIGUSR1 makes every rank checkpoint and exit 75; the run resumes from it")
    func signalCheckpointsAndExits() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-signal")
        let run = dir.file("run")
        let launcher = try MPIRunLauncher()
        let data = try TrainerFixture.dataDirectory.get()
        let command = launcher.commandLine(ranks: 2, program: try TrainerFixture.binary(), arguments: [
            "train", "--data", data] + TrainerFixture.smallRun + ["--steps", "20000", "--out", run.path])
        // The test runner blocks SIGUSR1 in its children; `env --default-signal` unblocks it for mpirun and the ranks.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal"] + command
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until training runs (metrics appear), then signal mpirun, which forwards SIGUSR1.
        let metrics = run.appendingPathComponent("metrics.csv").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: metrics) && Date() < deadline { usleep(200_000) }
        kill(process.processIdentifier, SIGUSR1)
        let stop = Date().addingTimeInterval(120)
        while process.isRunning && Date() < stop { usleep(100_000) }
        let stoppedBySignal = !process.isRunning
        if !stoppedBySignal { process.terminate() }
        process.waitUntilExit()
        #expect(stoppedBySignal, "mpirun still running 120 s after SIGUSR1")
        #expect(process.terminationStatus == 75)
        let checkpoint = try Checkpoint.read(from: run.appendingPathComponent("checkpoints/latest.ckpt").path)
        #expect(checkpoint.update > 0 && checkpoint.update < 20_000)
    }

    @Test("SIGTERM or SIGINT to mpirun during an update longer than its kill timeout: the last completed update is checkpointed at once",
          arguments: [SIGTERM, SIGINT])
    func terminationCheckpointsAtOnce(signal: Int32) throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-term")
        let run = dir.file("run")
        let launcher = try MPIRunLauncher()
        let data = try TrainerFixture.dataDirectory.get()
        // B = 96, T = 40: one update takes seconds, longer than Open MPI's 1 s between its SIGTERM and SIGKILL, while
        // E = 128 keeps the checkpoint small (7 MB) so that writing it fits in that second on a loaded machine.
        let command = launcher.commandLine(ranks: 2, program: try TrainerFixture.binary(), arguments: [
            "train", "--data", data] + TrainerFixture.arguments(overriding: [
                "embed": "128", "heads": "4", "batch": "96", "chunk": "40", "steps": "100000", "log-every": "1",
                "checkpoint-every": "0", "out": run.path]))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal"] + command
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let output = dir.file("output.txt")
        try #require(FileManager.default.createFile(atPath: output.path, contents: nil))
        let sink = try FileHandle(forWritingTo: output)
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        let metrics = run.appendingPathComponent("metrics.csv").path
        let deadline = Date().addingTimeInterval(180)
        while !FileManager.default.fileExists(atPath: metrics) && Date() < deadline { usleep(100_000) }
        try #require(FileManager.default.fileExists(atPath: metrics), "no update finished in 180 s")
        kill(process.processIdentifier, signal)
        let stop = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stop { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try sink.close()
        let log = try String(contentsOf: output, encoding: .utf8)
        let latest = run.appendingPathComponent("checkpoints/latest.ckpt").path
        try #require(FileManager.default.fileExists(atPath: latest), "no checkpoint after the signal:\n\(log)")
        let update = try Checkpoint.read(from: latest).update
        #expect(update >= 1, "\(log)")
        let resumed = try TrainerFixture.train(["--resume", run.path, "--steps", "\(update + 1)"])
        #expect(resumed.exitStatus == 0, "\(resumed.combinedOutput)")
    }

    @Test("bad input gives a clear error and exit code, and leaves an existing run intact")
    func badInputIsRefusedClearly() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-bad")
        let unknown = try TrainerFixture.train(["--bacth", "4", "--out", dir.file("x").path])
        #expect(unknown.exitStatus == 2)
        #expect(unknown.standardError.contains("unknown option '--bacth'") && unknown.standardError.contains("--batch"))
        let missing = try ProcessRunner.run(try TrainerFixture.binary(), arguments: [
            "train", "--data", dir.url.path, "--env", "lbf", "--out", dir.file("y").path], timeoutSeconds: 60)
        #expect(missing.exitStatus == 1)
        #expect(missing.standardError.contains("mtrl-dist collect"))
        let heads = try TrainerFixture.train(["--embed", "16", "--heads", "3", "--out", dir.file("z").path])
        #expect(heads.exitStatus == 2 && heads.standardError.contains("not divisible"))
        // A finished run is not overwritten by a new run into the same directory.
        let run = dir.file("done")
        let ok = try TrainerFixture.train(TrainerFixture.smallRun + ["--steps", "2", "--out", run.path])
        try #require(ok.exitStatus == 0)
        let before = try Data(contentsOf: run.appendingPathComponent("checkpoints/latest.ckpt"))
        let again = try TrainerFixture.train(TrainerFixture.smallRun + ["--steps", "2", "--out", run.path])
        #expect(again.exitStatus == 1 && again.standardError.contains("--resume"))
        #expect(try Data(contentsOf: run.appendingPathComponent("checkpoints/latest.ckpt")) == before)
        // A corrupted checkpoint is refused on resume with the file named.
        var bytes = [UInt8](before)
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: run.appendingPathComponent("checkpoints/latest.ckpt"))
        let corrupt = try TrainerFixture.train(["--resume", run.path])
        #expect(corrupt.exitStatus == 1 && corrupt.standardError.contains("corrupted"))
    }

    @Test("evaluate scores exactly the checkpoint it names from the run's own files; report decodes final.json")
    func evaluateNamesWhatItScores() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-evaluate")
        let run = dir.file("run")
        let trained = try TrainerFixture.train(TrainerFixture.arguments(overriding: [
            "steps": "6", "final-eval-episodes": "2", "out": run.path]))
        try #require(trained.exitStatus == 0, "\(trained.combinedOutput)")
        let binary = try TrainerFixture.binary()
        // No periodic evaluation: there is no best checkpoint, and evaluate says so instead of scoring another one.
        let best = try ProcessRunner.run(binary, arguments: ["evaluate", "--run", run.path, "--episodes", "2"], timeoutSeconds: 120)
        #expect(best.exitStatus == 1 && best.standardError.contains("--checkpoint latest"), "\(best.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("evaluate.csv").path))
        // The latest parameters are labelled as such, and the run's config.json is left as it was.
        let configBefore = try Data(contentsOf: run.appendingPathComponent("config.json"))
        let latest = try ProcessRunner.run(binary, arguments: [
            "evaluate", "--run", run.path, "--episodes", "2", "--checkpoint", "latest", "--split", "train"], timeoutSeconds: 120)
        #expect(latest.exitStatus == 0, "\(latest.combinedOutput)")
        #expect(latest.standardOutput.contains("the latest parameters (update 6)"))
        #expect(try Data(contentsOf: run.appendingPathComponent("config.json")) == configBefore)
        // Another acting mode is a labelled diagnostic in its own file; greedy-q needs a Q head.
        let greedy = try ProcessRunner.run(binary, arguments: [
            "evaluate", "--run", run.path, "--episodes", "2", "--checkpoint", "latest", "--split", "train", "--acting", "greedy-policy"],
            timeoutSeconds: 120)
        #expect(greedy.exitStatus == 0 && greedy.standardOutput.contains("acting: greedy-policy, not the algorithm's own"),
                "\(greedy.combinedOutput)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("evaluate-train-greedy-policy.csv").path))
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("evaluate-train.csv").path))
        // Another split goes to its own file: every file keeps one task set and stays readable.
        let all = try ProcessRunner.run(binary, arguments: ["evaluate", "--run", run.path, "--episodes", "2", "--checkpoint", "latest"],
                                        timeoutSeconds: 120)
        #expect(all.exitStatus == 0, "\(all.combinedOutput)")
        for file in ["evaluate.csv", "evaluate-train.csv", "evaluate-train-greedy-policy.csv"] {
            let table = try #require(try MetricsTable.read(path: run.appendingPathComponent(file).path), "\(file)")
            #expect(!table.rows.isEmpty, "\(file)")
        }
        let own = try ProcessRunner.run(binary, arguments: [
            "evaluate", "--run", run.path, "--episodes", "2", "--checkpoint", "latest", "--split", "train", "--acting", "sample"],
            timeoutSeconds: 120)
        #expect(own.exitStatus == 0 && !own.standardOutput.contains("acting:"), "\(own.combinedOutput)")
        let bcRun = dir.file("bc")
        let bc = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "2", "out": bcRun.path]) + ["--algo", "bc"])
        try #require(bc.exitStatus == 0, "\(bc.combinedOutput)")
        let noQ = try ProcessRunner.run(binary, arguments: [
            "evaluate", "--run", bcRun.path, "--episodes", "2", "--checkpoint", "latest", "--acting", "greedy-q"], timeoutSeconds: 120)
        #expect(noQ.exitStatus == 2 && noQ.standardError.contains("no Q head"), "\(noQ.combinedOutput)")
        // Scoring needs the run's own files only: a copy whose data directory is gone still evaluates.
        let moved = dir.file("moved")
        try FileManager.default.copyItem(at: run, to: moved)
        let config = try String(contentsOf: moved.appendingPathComponent("config.json"), encoding: .utf8)
        let data = try TrainerFixture.dataDirectory.get()
        try config.replacingOccurrences(of: data, with: dir.file("no-data").path)
            .write(to: moved.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let elsewhere = try ProcessRunner.run(binary, arguments: [
            "evaluate", "--run", moved.path, "--episodes", "2", "--checkpoint", "latest"], timeoutSeconds: 120)
        #expect(elsewhere.exitStatus == 0, "\(elsewhere.combinedOutput)")
        let report = try ProcessRunner.run(binary, arguments: ["report", "--run", run.path], timeoutSeconds: 60)
        #expect(report.exitStatus == 0)
        let table = report.standardOutput.split(separator: "\n").filter { $0.hasPrefix("lbf-") || $0.hasPrefix("mean ") }
        let printed = trained.standardOutput.split(separator: "\n").filter { $0.hasPrefix("lbf-") || $0.hasPrefix("mean ") }
        #expect(!table.isEmpty && table == printed)
    }

    @Test("dataset learnability clones the behaviour, holds episodes out, and reports accuracy and return")
    func learnabilityCheckReports() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-learnability")
        let json = dir.file("result.json")
        let outcome = try ProcessRunner.run(try TrainerFixture.binary(), arguments: [
            "dataset", "learnability", try TrainerFixture.dataDirectory.get(), "--task", "lbf-8x8-2p-2f-coop", "--updates", "200",
            "--embed", "16", "--batch", "8", "--chunk", "5", "--episodes", "16", "--work", dir.file("work").path,
            "--json", json.path], environment: ["OPENBLAS_NUM_THREADS": "1"], timeoutSeconds: 600)
        try #require(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        let result = try JSONDecoder().decode(LearnabilityCheck.Result.self, from: Data(contentsOf: json))
        // 20 episodes in 2 stages: 10 % of each stage (one episode each) held out.
        #expect(result.trainingEpisodes == 18 && result.heldOutEpisodes == 2)
        #expect(result.behaviour == "oracle" && result.updates == 200)
        #expect(result.trainingAccuracy > 1.0 / 6 && result.trainingAccuracy <= 1 && result.heldOutAccuracy > 0 && result.heldOutAccuracy <= 1,
                "\(result.summary)")
        #expect(result.policyReturn.isFinite && result.referenceReturn > 0)
        #expect(outcome.standardOutput.contains("held out; BC return"))
        let held = try DatasetFile(path: dir.file("work/held-out/lbf/lbf-8x8-2p-2f-coop.mtds").path)
        let trained = try DatasetFile(path: dir.file("work/data/lbf/lbf-8x8-2p-2f-coop.mtds").path)
        #expect(held.metadata.episodeCount + trained.metadata.episodeCount == 20)
    }
}
