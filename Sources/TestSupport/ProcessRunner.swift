import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished (or killed) child process left behind.
public struct ProcessOutcome: Sendable {
    /// The exit code, or 128 + signal number if a signal ended it.
    public let exitStatus: Int32
    public let standardOutput: String
    public let standardError: String
    /// Whether the time limit ran out and the process group was killed.
    public let timedOut: Bool

    /// stdout followed by stderr.
    public var combinedOutput: String { standardOutput + standardError }
}

/// A child process could not be started.
public struct ProcessLaunchError: Error, CustomStringConvertible {
    public let command: [String]
    public let reason: String
    public var description: String { "cannot run `\(command.joined(separator: " "))`: \(reason)" }
}

/// Runs a command in its own process group with stdout and stderr captured in temporary files
/// (no pipe can fill up and block it), and kills the whole group if it outlives `timeoutSeconds`.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, the current environment plus `environment`.
    /// - Throws: `ProcessLaunchError` if the process cannot be spawned.
    public static func run(
        _ executable: String, arguments: [String], environment: [String: String] = [:], timeoutSeconds: Double
    ) throws -> ProcessOutcome {
        let command = [executable] + arguments
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("process-runner-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutPath = directory.appendingPathComponent("stdout").path
        let stderrPath = directory.appendingPathComponent("stderr").path

        let pid = try spawn(command, environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath)
        let (status, timedOut) = waitOrKillGroup(pid, timeoutSeconds: timeoutSeconds)
        func read(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        return ProcessOutcome(
            exitStatus: status, standardOutput: read(stdoutPath), standardError: read(stderrPath), timedOut: timedOut)
    }

    private static func spawn(
        _ command: [String], environment: [String: String], stdoutPath: String, stderrPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let mergedEnvironment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = command.map { strdup($0) } + [nil]
        let envp = mergedEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ProcessLaunchError(command: command, reason: String(cString: strerror(result)))
        }
        return pid
    }

    /// Polls every 10 ms; on timeout sends SIGTERM to the group, then SIGKILL 3 s later.
    private static func waitOrKillGroup(_ pid: pid_t, timeoutSeconds: Double) -> (status: Int32, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var killDeadline: Date?
        var rawStatus: Int32 = 0
        while true {
            let waited = waitpid(pid, &rawStatus, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { return (-1, killDeadline != nil) }
            let now = Date()
            if killDeadline == nil && now > deadline {
                kill(-pid, SIGTERM)
                killDeadline = now.addingTimeInterval(3)
            } else if let killAt = killDeadline, now > killAt {
                kill(-pid, SIGKILL)
            }
            usleep(10_000)
        }
        // A timed-out mpirun may leave ranks behind in its group; make sure none survive.
        if killDeadline != nil { kill(-pid, SIGKILL) }
        let low = rawStatus & 0x7f
        let status = low == 0 ? (rawStatus >> 8) & 0xff : 128 + low
        return (status, killDeadline != nil)
    }
}
