import Foundation
import Testing
import TestSupport

/// The real `mtrl-dist` binary: help, exit codes and messages for bad input, info with and without mpirun.
@Suite(.serialized) struct ExecutableTests {
    func run(_ arguments: [String]) throws -> ProcessOutcome {
        try ProcessRunner.run(try MPIRunLauncher.productPath(named: "mtrl-dist"), arguments: arguments, timeoutSeconds: 120)
    }

    @Test func everyCommandHasHelp() throws {
        let overview = try run(["--help"])
        #expect(overview.exitStatus == 0)
        for command in ["info", "tasks", "env check-trace", "env run", "env render", "collect", "dataset inspect",
                        "dataset verify", "dataset subsample", "model", "model check-reference", "train", "evaluate", "report",
                        "online"] {
            #expect(overview.standardOutput.contains("  \(command) "), "\(command) listed")
            let help = try run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.exitStatus == 0 && help.standardOutput.hasPrefix("USAGE: mtrl-dist \(command)"), "\(command) --help")
        }
    }

    @Test func unknownCommandAndFlagsExitWithUsageErrors() throws {
        let command = try run(["trian"])
        #expect(command.exitStatus == 2 && command.standardError.contains("Did you mean `train`?"))
        let flag = try run(["tasks", "--evn", "lbf"])
        #expect(flag.exitStatus == 2)
        #expect(flag.standardError == "error: unknown option '--evn' for `mtrl-dist tasks`. Did you mean --env? See `mtrl-dist tasks --help`.\n")
        let value = try run(["tasks", "--env", "starcraft"])
        #expect(value.exitStatus == 2 && value.standardError.contains("expected one of rware, lbf, connector"))
    }

    static let onlineRun = ["online", "--task", "lbf-8x8-2p-2f-coop", "--embed", "16", "--envs", "4", "--steps", "16",
                            "--epochs", "2", "--checkpoint-every", "2", "--eval-every", "5", "--eval-episodes", "2",
                            "--final-eval-episodes", "4"]

    /// A tiny online run prints a progress line per update and its final evaluation into a run
    /// directory; bad settings are usage errors, an unwritable directory an error.
    @Test func onlineWritesARunDirectory() throws {
        let dir = try TemporaryDirectory(prefix: "cli-online")
        let outcome = try run(Self.onlineRun + ["--updates", "2", "--out", dir.file("run").path])
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        #expect(outcome.standardOutput.contains("update 1/2  env steps 64") && outcome.standardOutput.contains("update 2/2  env steps 128"))
        #expect(outcome.standardOutput.contains("R_final") && outcome.standardOutput.contains("R_max"))
        for file in ["config.json", "metrics.csv", "eval.csv", "final.json", "checkpoints/latest.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("run/\(file)").path), "\(file)")
        }
        let bad = try run(Self.onlineRun + ["--minibatches", "3", "--out", dir.file("bad").path])
        #expect(bad.exitStatus == 2 && bad.standardError.contains("--minibatches 3 must divide --envs 4"), "\(bad.standardError)")
        let missing = try run(["online", "--out", dir.file("bad").path])
        #expect(missing.exitStatus == 2 && missing.standardError.contains("--task"), "\(missing.standardError)")
        let unwritable = try run(Self.onlineRun + ["--out", "/proc/online-run"])
        #expect(unwritable.exitStatus == 1 && unwritable.standardError.contains("cannot write /proc/online-run"), "\(unwritable.standardError)")
    }

    /// SIGUSR1 stops an online run with exit 75; run again on its directory, it ends with the
    /// parameters and metric rows of an uninterrupted run.
    @Test func signalledOnlineRunContinuesExactly() throws {
        let dir = try TemporaryDirectory(prefix: "cli-online-signal")
        let run = dir.file("b")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The test runner blocks SIGUSR1 in its children; `env --default-signal` unblocks it.
        process.arguments = ["--default-signal", try MPIRunLauncher.productPath(named: "mtrl-dist")] + Self.onlineRun
            + ["--updates", "100000", "--out", run.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        func rows(_ directory: URL) -> [String] {
            let text = (try? String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(3).joined(separator: ",") }
        }
        let deadline = Date().addingTimeInterval(60)
        while rows(run).count < 4 && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGUSR1)
        process.waitUntilExit()
        #expect(process.terminationStatus == 75)
        let updates = rows(run).count - 1 + 3
        let continued = try self.run(Self.onlineRun + ["--updates", "\(updates)", "--out", run.path])
        #expect(continued.exitStatus == 0 && continued.standardOutput.contains("resumed"), "\(continued.combinedOutput)")
        let straight = try self.run(Self.onlineRun + ["--updates", "\(updates)", "--out", dir.file("a").path])
        #expect(straight.exitStatus == 0, "\(straight.combinedOutput)")
        #expect(rows(run).count == updates + 1 && rows(run) == rows(dir.file("a")))
        func checksum(_ directory: URL) throws -> String? {
            let data = try Data(contentsOf: directory.appendingPathComponent("final.json"))
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["parameter_checksum"] as? String
        }
        #expect(try checksum(run) != nil && checksum(run) == checksum(dir.file("a")))
    }

    /// An online run with `--record`, stopped by SIGUSR1 and run again, records the same dataset
    /// (byte for byte) and reference row as an uninterrupted one; the dataset holds one stage per
    /// snapshot; a restart that would move the snapshots is refused.
    @Test func signalledRecordingRunRecordsTheSameDataset() throws {
        let dir = try TemporaryDirectory(prefix: "cli-online-record")
        // 64-step rollouts (not 16): updates slow enough for the signal to land mid-run.
        var recording = Self.onlineRun + ["--updates", "24", "--snapshots", "4", "--record-episodes", "3", "--label-episodes", "6"]
        recording[recording.firstIndex(of: "--steps")! + 1] = "64"
        let run = dir.file("b")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal", try MPIRunLauncher.productPath(named: "mtrl-dist")] + recording
            + ["--record", dir.file("data-b").path, "--out", run.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        func rowCount(_ directory: URL) -> Int {
            ((try? String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let deadline = Date().addingTimeInterval(60)
        while rowCount(run) < 4 && Date() < deadline { usleep(5_000) }
        kill(process.processIdentifier, SIGUSR1)
        process.waitUntilExit()
        #expect(process.terminationStatus == 75, "the signal should land before update 24 of 24")
        let continued = try self.run(recording + ["--record", dir.file("data-b").path, "--out", run.path])
        #expect(continued.exitStatus == 0 && continued.standardOutput.contains("recorded 4 snapshots"), "\(continued.combinedOutput)")
        let straight = try self.run(recording + ["--record", dir.file("data-a").path, "--out", dir.file("a").path])
        #expect(straight.exitStatus == 0, "\(straight.combinedOutput)")
        for file in ["lbf/lbf-8x8-2p-2f-coop.mtds", "lbf/reference-returns.tsv"] {
            let b = try Data(contentsOf: dir.file("data-b/\(file)")), a = try Data(contentsOf: dir.file("data-a/\(file)"))
            #expect(!a.isEmpty && a == b, "\(file) differs between the interrupted and the uninterrupted run")
        }
        let inspect = try self.run(["dataset", "inspect", dir.file("data-a/lbf").path])
        #expect(inspect.exitStatus == 0 && inspect.standardOutput.contains("source: online-sable, 4 snapshots")
                && inspect.standardOutput.contains("episodes 12,"), "\(inspect.combinedOutput)")
        func changed(_ option: String, to value: String) -> [String] {
            var arguments = recording
            arguments[arguments.firstIndex(of: option)! + 1] = value
            return arguments + ["--record", dir.file("data-b").path, "--out", run.path]
        }
        let moved = try self.run(changed("--snapshots", to: "5"))
        #expect(moved.exitStatus == 1 && moved.standardError.contains("snapshots"), "\(moved.combinedOutput)")
        let longer = try self.run(changed("--updates", to: "30"))
        #expect(longer.exitStatus == 1 && longer.standardError.contains("record into a new run directory"), "\(longer.combinedOutput)")
    }

    @Test func unknownTaskListsCloseMatches() throws {
        let outcome = try run(["env", "run", "--task", "lbf-8x8-2p-2f"])
        #expect(outcome.exitStatus == 1)
        #expect(outcome.standardError.contains("lbf-8x8-2p-2f-coop"))
    }

    @Test func tasksListsTheSplits() throws {
        let outcome = try run(["tasks", "--env", "rware", "--split", "test"])
        #expect(outcome.exitStatus == 0 && outcome.standardOutput.contains("8 task(s)"))
    }

    @Test func infoRunsAloneAndUnderMPI() throws {
        let alone = try run(["info"])
        #expect(alone.exitStatus == 0 && alone.standardOutput.contains("rank 0 of 1"))
        #expect(alone.standardOutput.contains("OpenBLAS kernel"))
        let launcher = try MPIRunLauncher()
        let three = try launcher.run(ranks: 3, program: try MPIRunLauncher.productPath(named: "mtrl-dist"), arguments: ["info"],
                                     timeoutSeconds: 120)
        #expect(three.exitStatus == 0)
        for r in 0..<3 { #expect(three.standardOutput.contains("rank \(r) of 3"), "rank \(r)") }
    }

    @Test func unreadableTraceAndReferenceFilesFailClearly() throws {
        let dir = try TemporaryDirectory()
        let bad = dir.file("bad.jsonl")
        try Data("not json\n".utf8).write(to: bad)
        let trace = try run(["env", "check-trace", bad.path])
        #expect(trace.exitStatus == 1 && trace.standardOutput.contains("0 passed, 0 failed"))
        let model = try run(["model", "check-reference", bad.path])
        #expect(model.exitStatus == 1 && model.standardOutput.contains("0 passed, 1 failed"))
    }
}
