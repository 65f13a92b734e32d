import Datasets
import Foundation
import Glibc
import Testing
import TestSupport
import Training

/// The holes a hostile user found (issue "Runs that cannot be silently poisoned, clobbered or
/// mislabelled"), each tried with the real binary, real files and real mpirun.
@Suite struct RunSafetyTests {
    static let poisonedTask = "lbf-8x8-2p-2f-coop"

    static func file(_ data: String, _ task: String) -> String { "\(data)/lbf/\(task).mtds" }

    static func run(_ arguments: [String], timeout: Double = 120) throws -> ProcessOutcome {
        try ProcessRunner.run(try TrainerFixture.binary(), arguments: arguments, timeoutSeconds: timeout)
    }

    static func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    @Test("NaN or infinity in a dataset is refused by verify and by train, naming file, section, episode and step")
    func nonFiniteDataIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-nan-data")
        let data = try TrainerFixture.dataCopy(in: dir)
        let file = Self.file(data, Self.poisonedTask)
        try DatasetPatch.replace(.rewards, indices: [3], with: .nan, source: file, destination: file)
        let verify = try Self.run(["dataset", "verify", data])
        #expect(verify.exitStatus == 1)
        #expect(verify.combinedOutput.contains("\(Self.poisonedTask).mtds: rewards: value at episode 0, step 3 is nan"), "\(verify.combinedOutput)")
        let train = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: ["steps": "2", "out": dir.file("run").path]))
        #expect(train.exitStatus == 1 && train.standardError.contains("rewards"), "\(train.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("run/final.json").path))
        try DatasetPatch.replace(.observations, indices: [0], with: .infinity, source: Self.file(TrainerFixture.dataDirectory.get(), Self.poisonedTask),
                                 destination: file)
        let inf = try Self.run(["dataset", "verify", file])
        #expect(inf.exitStatus == 1 && inf.combinedOutput.contains("observations: value at episode 0, step 0, agent 0, feature 0 is inf"),
                "\(inf.combinedOutput)")
    }

    @Test("a non-finite loss stops every rank in the same update and leaves the last checkpoint as it was")
    func nonFiniteLossStopsEveryRank() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-nan-loss")
        let data = try TrainerFixture.dataCopy(in: dir)
        let run = dir.file("run")
        let first = try TrainerFixture.train(ranks: 2, data: data, TrainerFixture.arguments(overriding: [
            "steps": "4", "checkpoint-every": "2", "log-every": "1", "out": run.path]))
        try #require(first.exitStatus == 0, "\(first.combinedOutput)")
        let latest = run.appendingPathComponent("checkpoints/latest.ckpt")
        let before = try Self.bytes(latest)
        // Finite but huge observations pass every data check, and overflow the network.
        let file = Self.file(data, Self.poisonedTask)
        let count = try DatasetFile(path: file).contents().observations.count
        try DatasetPatch.replace(.observations, indices: Array(0..<count), with: 3e38, source: file, destination: file)
        let stopped = try TrainerFixture.train(ranks: 2, data: data, ["--resume", run.path, "--steps", "8"])
        #expect(stopped.exitStatus == 1, "\(stopped.combinedOutput)")
        // The poisoned task's largest input: 3e+38 raw, infinite once standardised ((x − mean) / std overflows).
        #expect(stopped.standardError.contains("update 5: not finite")
                    && (stopped.standardError.contains("\(Self.poisonedTask) 3e+38") || stopped.standardError.contains("\(Self.poisonedTask) inf")),
                "\(stopped.combinedOutput)")
        #expect(stopped.standardError.contains("latest.ckpt (update 4) is untouched"))
        #expect(!stopped.combinedOutput.contains("MPI_ABORT"), "the ranks stop together, not by abort")
        #expect(try Self.bytes(latest) == before)
        // Skipping instead: every update is counted as skipped and the parameters stay the checkpoint's.
        let skipped = try TrainerFixture.train(ranks: 2, data: data, ["--resume", run.path, "--steps", "8", "--non-finite", "skip"])
        #expect(skipped.exitStatus == 0, "\(skipped.combinedOutput)")
        let rows = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = rows[0].split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "skipped_updates"))
        #expect(rows.last!.split(separator: ",", omittingEmptySubsequences: false)[column] == "4.0")
        #expect(try Checkpoint.read(from: latest.path).parameters == (try Checkpoint.read(from: run.appendingPathComponent("checkpoints/previous.ckpt").path).parameters))
    }

    @Test("a dataset file holding another task than its name says is refused")
    func renamedDatasetIsRefused() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-renamed")
        let data = try TrainerFixture.dataCopy(in: dir)
        let target = Self.file(data, Self.poisonedTask)
        try FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: Self.file(data, "lbf-10x10-3p-3f"), toPath: target)
        let train = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: ["steps": "2", "out": dir.file("run").path]))
        #expect(train.exitStatus == 1 && train.standardError.contains("task id is lbf-10x10-3p-3f, expected \(Self.poisonedTask)"),
                "\(train.combinedOutput)")
        let verify = try Self.run(["dataset", "verify", data])
        #expect(verify.exitStatus == 1 && verify.combinedOutput.contains("another task's data"), "\(verify.combinedOutput)")
    }

    @Test("a rejected resume changes nothing; a damaged latest checkpoint points at a previous one that works")
    func rejectedResumeChangesNothing() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-reject")
        let run = dir.file("run")
        let first = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "4", "checkpoint-every": "2", "out": run.path]))
        try #require(first.exitStatus == 0, "\(first.combinedOutput)")
        let files = ["config.json", "metrics.csv", "metrics.jsonl", "reference-returns.tsv", "checkpoints/latest.ckpt"]
        let before = try files.map { try Self.bytes(run.appendingPathComponent($0)) }
        let rejected = try TrainerFixture.train(["--resume", run.path, "--steps", "6", "--lr", "0.5"])
        #expect(rejected.exitStatus == 1 && rejected.standardError.contains("'lr' differs"), "\(rejected.combinedOutput)")
        #expect(try files.map { try Self.bytes(run.appendingPathComponent($0)) } == before)
        let plain = try TrainerFixture.train(["--resume", run.path, "--steps", "6"])
        #expect(plain.exitStatus == 0, "\(plain.combinedOutput)")
        // Damage latest.ckpt: the error names the intact previous checkpoint and the command that uses it.
        let latest = run.appendingPathComponent("checkpoints/latest.ckpt")
        var damaged = [UInt8](try Self.bytes(latest))
        damaged[damaged.count / 2] ^= 0xFF
        try Data(damaged).write(to: latest)
        let corrupt = try TrainerFixture.train(["--resume", run.path, "--steps", "8"])
        #expect(corrupt.exitStatus == 1 && corrupt.standardError.contains("previous.ckpt") && corrupt.standardError.contains("update 4"),
                "\(corrupt.combinedOutput)")
        try FileManager.default.removeItem(at: latest)
        try FileManager.default.moveItem(at: run.appendingPathComponent("checkpoints/previous.ckpt"), to: latest)
        let recovered = try TrainerFixture.train(["--resume", run.path, "--steps", "8"])
        #expect(recovered.exitStatus == 0, "\(recovered.combinedOutput)")
        let updates = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
            .dropFirst().map { $0.prefix { $0 != "," } }
        #expect(updates == ["4.0", "5.0", "8.0"], "rows after the recovered checkpoint's update are dropped once")
    }

    @Test("a run directory in use is refused to a second writer; a killed holder releases it")
    func runDirectoryIsLocked() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-lock")
        let run = dir.file("run")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try TrainerFixture.binary())
        holder.arguments = ["train", "--data", try TrainerFixture.dataDirectory.get()] + TrainerFixture.arguments(overriding: [
            "steps": "100000000", "checkpoint-every": "1", "log-every": "1", "out": run.path])
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let latest = run.appendingPathComponent("checkpoints/latest.ckpt").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: latest) && Date() < deadline { usleep(50_000) }
        try #require(FileManager.default.fileExists(atPath: latest))
        let second = try TrainerFixture.train(["--resume", run.path])
        #expect(second.exitStatus == 1 && second.standardError.contains("in use by") && second.standardError.contains("pid \(holder.processIdentifier)"),
                "\(second.combinedOutput)")
        let fresh = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "2", "out": run.path]))
        #expect(fresh.exitStatus == 1 && fresh.standardError.contains("in use by"), "\(fresh.combinedOutput)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let update = try Checkpoint.read(from: latest).update
        let resumed = try TrainerFixture.train(["--resume", run.path, "--steps", "\(update + 1)"])
        #expect(resumed.exitStatus == 0, "\(resumed.combinedOutput)")
    }

    @Test("resuming a finished run changes nothing; a run directory inside the datasets is refused")
    func finishedRunsAndDataDirectoriesAreLeftAlone() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-finished")
        let run = dir.file("run")
        let first = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "3", "final-eval-episodes": "2", "out": run.path]))
        try #require(first.exitStatus == 0, "\(first.combinedOutput)")
        let final = try Self.bytes(run.appendingPathComponent("final.json"))
        let metrics = try Self.bytes(run.appendingPathComponent("metrics.jsonl"))
        let again = try TrainerFixture.train(["--resume", run.path])
        #expect(again.exitStatus == 0 && again.standardOutput.contains("nothing to do"), "\(again.combinedOutput)")
        #expect(try Self.bytes(run.appendingPathComponent("final.json")) == final)
        #expect(try Self.bytes(run.appendingPathComponent("metrics.jsonl")) == metrics)
        let data = try TrainerFixture.dataCopy(in: dir)
        let inside = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: ["steps": "2", "out": data + "/lbf/run"]))
        #expect(inside.exitStatus == 1 && inside.standardError.contains("inside the dataset directory"), "\(inside.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: data + "/lbf/run"))
    }

    @Test("after a kill between checkpoints and a torn line, resume leaves each update's row once and no stale temporaries")
    func killedRunResumesWithoutDuplicateRows() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-kill")
        let run = dir.file("run")
        let steps = 3000
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TrainerFixture.binary())
        process.arguments = ["train", "--data", try TrainerFixture.dataDirectory.get()] + TrainerFixture.arguments(overriding: [
            "steps": "\(steps)", "checkpoint-every": "50", "log-every": "1", "out": run.path])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let csv = run.appendingPathComponent("metrics.csv")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? String(contentsOf: csv, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 120 { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // A write cut short, and a temporary a killed checkpoint write would leave.
        for name in ["metrics.csv", "metrics.jsonl"] {
            let handle = try FileHandle(forWritingTo: run.appendingPathComponent(name))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("12".utf8))
            try handle.close()
        }
        let stale = run.appendingPathComponent("checkpoints/.latest.ckpt.tmp-424242")
        try Data([1, 2, 3]).write(to: stale)
        let resumed = try TrainerFixture.train(["--resume", run.path])
        #expect(resumed.exitStatus == 0, "\(resumed.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.map { Double($0.prefix { $0 != "," }) ?? -1 } == (1...steps).map(Double.init))
        let json = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(json.hasSuffix("\n"))
        let updates = try json.split(separator: "\n").compactMap { line -> Double? in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object["kind"] as? String == "train" ? (object["update"] as? NSNumber)?.doubleValue : nil
        }
        #expect(updates == (1...steps).map(Double.init))
    }

    @Test("a metrics write that fails names the file and the fix, and leaves no torn line")
    func failedWritesNameTheFile() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-full")
        try FileManager.default.createSymbolicLink(atPath: dir.file("metrics.jsonl").path, withDestinationPath: "/dev/full")
        let log = MetricsLog(directory: dir.url)
        do {
            try log.write(kind: "train", fields: [("update", .number(1))])
            Issue.record("a write to a full device succeeded")
        } catch {
            let message = "\(error)"
            #expect(message.contains("metrics.jsonl") && message.contains("No space left on device") && message.contains("free disk space"),
                    "\(message)")
        }
    }

    @Test("a row with other columns than a metrics CSV's header is refused before anything is written")
    func rowsOfAnotherTaskSetDoNotCorruptACSV() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-columns")
        let scores = { (task: String) in [TaskScore(taskID: task, split: .test, trained: false, episodes: 2, meanReturn: 1, normalisedReturn: 0.5)] }
        try MetricsLog(directory: dir.url).write(scores("a"), kind: "evaluate", update: 1)
        try MetricsLog(directory: dir.url).write(scores("a"), kind: "evaluate", update: 2)
        let csv = try Data(contentsOf: dir.file("evaluate.csv")), jsonl = try Data(contentsOf: dir.file("metrics.jsonl"))
        #expect(String(decoding: csv, as: UTF8.self).split(separator: "\n").count == 3)
        #expect(throws: RunDirectoryError.self) { try MetricsLog(directory: dir.url).write(scores("b"), kind: "evaluate", update: 3) }
        let log = MetricsLog(directory: dir.url)
        try log.write(scores("a"), kind: "evaluate", update: 4)
        #expect(throws: RunDirectoryError.self) { try log.write(scores("b"), kind: "evaluate", update: 5) }
        let after = String(decoding: try Data(contentsOf: dir.file("evaluate.csv")), as: UTF8.self)
        #expect(after == String(decoding: csv, as: UTF8.self) + "4.0,0.5,1.0\n", "\(after)")
        #expect(try Data(contentsOf: dir.file("metrics.jsonl")).count > jsonl.count)
        #expect(!String(decoding: try Data(contentsOf: dir.file("metrics.jsonl")), as: UTF8.self).contains("norm/b"))
    }

    @Test("config files with booleans or repeated keys, and bad flag values, are usage errors (exit 2)")
    func badSettingsAreUsageErrors() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-config")
        for (text, message) in [("{\"steps\": true}", "\"steps\" is a boolean"), ("{\"steps\": 3, \"steps\": 4}", "given twice"),
                                ("{\"steps\": [3]}", "an array"), ("{\"steps\": 3", "unexpected end")] {
            let config = dir.file("config.json")
            try Data(text.utf8).write(to: config)
            let outcome = try TrainerFixture.train(["--config", config.path, "--out", dir.file("run").path])
            #expect(outcome.exitStatus == 2 && outcome.standardError.contains(message), "\(text): \(outcome.combinedOutput)")
        }
        let flag = try TrainerFixture.train(["--steps", "many", "--out", dir.file("run").path])
        #expect(flag.exitStatus == 2 && flag.standardError.contains("expected an integer"), "\(flag.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("run").path))
    }

    @Test("a FIFO named like a dataset or a checkpoint is refused at once, not waited on")
    func fifosAreRefused() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-fifo")
        let data = try TrainerFixture.dataCopy(in: dir)
        try #require(mkfifo(data + "/lbf/zz-fifo.mtds", 0o644) == 0)
        let verify = try Self.run(["dataset", "verify", data], timeout: 30)
        #expect(!verify.timedOut && verify.exitStatus == 1 && verify.combinedOutput.contains("not a regular file"), "\(verify.combinedOutput)")
        let fifo = dir.file("fifo.ckpt").path
        try #require(mkfifo(fifo, 0o644) == 0)
        #expect(throws: (any Error).self) { try Checkpoint.read(from: fifo) }
    }

    @Test("a stopped rank does not hang the others: past --collective-timeout they name it and end the job")
    func stoppedRankIsNamed() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-stall")
        let run = dir.file("run")
        let launcher = try MPIRunLauncher()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.mpirunPath)
        process.arguments = Array(launcher.commandLine(ranks: 2, program: try TrainerFixture.binary(), arguments: [
            "train", "--data", try TrainerFixture.dataDirectory.get()] + TrainerFixture.arguments(overriding: [
                "steps": "100000000", "log-every": "1", "collective-timeout": "3", "out": run.path])).dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(MPIRunLauncher.environment) { $1 }
        let errors = dir.file("stderr.txt")
        try #require(FileManager.default.createFile(atPath: errors.path, contents: nil))
        let sink = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = sink
        try process.run()
        let metrics = run.appendingPathComponent("metrics.csv").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: metrics) && Date() < deadline { usleep(50_000) }
        try #require(FileManager.default.fileExists(atPath: metrics))
        // Stop one rank (the one with the higher pid) as SIGSTOP, a hung node or a debugger would.
        let ranks = try ProcessRunner.run("/usr/bin/pgrep", arguments: ["-f", "--", "--out \(run.path)"], timeoutSeconds: 10)
            .standardOutput.split(separator: "\n").compactMap { Int32($0) }.filter { $0 != process.processIdentifier }
        try #require(ranks.count == 2, "rank pids: \(ranks)")
        let stopped = ranks.max()!
        kill(stopped, SIGSTOP)
        defer { kill(stopped, SIGKILL) }
        let stop = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stop { usleep(100_000) }
        let ended = !process.isRunning
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try sink.close()
        let log = try String(contentsOf: errors, encoding: .utf8)
        #expect(ended, "the job still ran 60 s after a rank stopped")
        #expect(process.terminationStatus != 0)
        #expect(log.contains("never arrived") && log.contains("(pid \(stopped))"), "\(log)")
    }

    @Test("datasets of different behaviours are never mixed in one run")
    func mixedBehavioursAreRefused() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-mixed")
        let data = try TrainerFixture.dataCopy(in: dir)
        let recollect = try Self.run(["collect", "--task", Self.poisonedTask, "--episodes", "20", "--stages", "2", "--seed", "5",
                                      "--reference-episodes", "4", "--behaviour", "observed", "--out", data])
        try #require(recollect.exitStatus == 0, "\(recollect.combinedOutput)")
        let train = try TrainerFixture.train(data: data, TrainerFixture.arguments(overriding: ["steps": "2", "out": dir.file("run").path]))
        #expect(train.exitStatus == 1 && train.standardError.contains("cannot mix behaviours")
                && train.standardError.contains("\(Self.poisonedTask): observed"), "\(train.combinedOutput)")
    }
}
