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

    /// A tiny online run prints its header and one learning-curve line per update; minibatches that
    /// do not divide the envs are a usage error.
    @Test func onlinePrintsALearningCurve() throws {
        let outcome = try run(["online", "--task", "lbf-8x8-2p-2f-coop", "--updates", "2", "--envs", "2", "--steps", "8",
                               "--epochs", "1"])
        #expect(outcome.exitStatus == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("update\tenv_steps"))
        #expect(lines.dropFirst().map { $0.split(separator: "\t").prefix(2).joined(separator: " ") } == ["1 16", "2 32"])
        let bad = try run(["online", "--task", "lbf-8x8-2p-2f-coop", "--envs", "2", "--minibatches", "3"])
        #expect(bad.exitStatus == 2 && bad.standardError.contains("--minibatches"), "\(bad.standardError)")
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
