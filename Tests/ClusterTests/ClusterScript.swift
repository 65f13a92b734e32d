import Foundation
import Testing

/// One of the real cluster tests in `cluster/tests/*.sh` (daemons, namespaces, MPI runs).
///
/// Each script sets up, runs, checks and tears down by itself, prints one
/// `PASS`/`FAIL`/`SKIP name: reason` line and exits 0, 1 or 77. This type runs
/// one under coreutils `timeout` (which signals the script's whole process
/// group, so the script's teardown still runs) and turns the outcome into a
/// Swift Testing result: 0 passes, 77 cancels the test (reported as skipped,
/// with the script's reason), anything else records an issue with the log.
struct ClusterScript {
    /// File name under `cluster/tests`, e.g. `slurm-one-node.sh`.
    let name: String
    /// Wall-clock limit; `timeout` sends TERM then, and KILL a minute later.
    let timeLimitSeconds: Int

    static let exitSkipped: Int32 = 77
    static let exitTimedOut: Int32 = 124

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the script and reports it; throws only to mark the test skipped.
    func runAndReport() throws {
        let (status, log) = try run()
        let verdict = log.split(separator: "\n").last { line in
            ["PASS ", "FAIL ", "SKIP "].contains { line.hasPrefix($0) }
        }.map(String.init) ?? "(no PASS/FAIL/SKIP line)"
        print(verdict)
        switch status {
        case 0:
            return
        case Self.exitSkipped:
            try Test.cancel(Comment(rawValue: verdict))
        case Self.exitTimedOut:
            Issue.record("cluster/tests/\(name) ran past \(timeLimitSeconds) s and was stopped.\n\(tail(of: log))")
        default:
            Issue.record("cluster/tests/\(name) exited \(status): \(verdict)\n\(tail(of: log))")
        }
    }

    /// Runs `timeout --kill-after=60 LIMIT bash cluster/tests/NAME`, its output in a file
    /// (a pipe could fill up and stall the script). The executables come from the folder
    /// this test binary was built into, when `mtrl-dist` is there.
    private func run() throws -> (status: Int32, log: String) {
        let script = Self.repositoryRoot.appendingPathComponent("cluster/tests/\(name)")
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("mtrl-cluster-\(ProcessInfo.processInfo.processIdentifier)-\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: logFile) }
        let output = try FileHandle(forWritingTo: logFile)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=60", String(timeLimitSeconds), "/bin/bash", script.path]
        var environment = ProcessInfo.processInfo.environment
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if environment["MTRL_BIN_DIR"] == nil,
            FileManager.default.isExecutableFile(atPath: binDirectory.appendingPathComponent("mtrl-dist").path)
        {
            environment["MTRL_BIN_DIR"] = binDirectory.path
        }
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, log)
    }

    private func tail(of log: String, lines: Int = 60) -> String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
