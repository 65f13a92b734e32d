import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a program under a real `mpirun` for multi-process tests, with a time limit.
///
/// Command line: `mpirun [--allow-run-as-root] [--oversubscribe] --bind-to none -n R program args`.
/// - `--allow-run-as-root` when the effective user is root (containers, CI): Open MPI refuses
///   root otherwise.
/// - `--oversubscribe` above 2 ranks: Open MPI refuses more ranks than cores (2 here).
/// - `--bind-to none`: many test jobs share few cores; pinning each rank to one core would
///   stack them on the same cores.
/// Environment: `OMPI_MCA_mpi_yield_when_idle=1`: a rank waiting in a collective yields its core
/// instead of spinning, which matters when ranks outnumber cores.
///
/// Transport notes (Debian Open MPI 4.1.4, as root in this container): the defaults work; no
/// `--mca btl` or `btl_tcp_if_include` setting is needed. Shared memory (vader) uses its
/// single-copy path (CMA, process_vm_readv); where a container forbids it (errors naming
/// process_vm_readv or CMA), set `OMPI_MCA_btl_vader_single_copy_mechanism=none`. That is not
/// the default here because it made a 13M-float all-reduce on 2 ranks 4-8x slower
/// (2.2-5.9 s instead of 0.46-0.67 s, on a loaded 2-core machine).
public struct MPIRunLauncher: Sendable {
    /// Path of `mpirun`.
    public let mpirunPath: String
    /// Extra environment for every launch.
    public static let environment = ["OMPI_MCA_mpi_yield_when_idle": "1"]

    /// Finds `mpirun` on PATH.
    /// - Throws: `MPIRunLauncherError.mpirunNotFound` naming the searched PATH.
    public init() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/mpirun" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MPIRunLauncherError.mpirunNotFound(searchedPath: path)
        }
        mpirunPath = found
    }

    /// Whether the tests run as root (then mpirun needs `--allow-run-as-root`).
    public static var isRoot: Bool { geteuid() == 0 }

    /// The full command line (mpirun first) for `ranks` copies of `program`.
    public func commandLine(ranks: Int, program: String, arguments: [String]) -> [String] {
        precondition(ranks >= 1, "ranks must be >= 1, got \(ranks)")
        var command = [mpirunPath]
        if Self.isRoot { command.append("--allow-run-as-root") }
        if ranks > 2 { command.append("--oversubscribe") }
        command += ["--bind-to", "none", "-n", String(ranks), program]
        return command + arguments
    }

    /// Runs `ranks` copies of `program` and waits at most `timeoutSeconds` (then kills the job).
    /// `environment` adds to (and overrides) the current environment and `Self.environment`.
    /// - Throws: `ProcessLaunchError` if mpirun cannot be started.
    public func run(
        ranks: Int, program: String, arguments: [String], environment: [String: String] = [:],
        timeoutSeconds: Double = 300
    ) throws -> ProcessOutcome {
        let command = commandLine(ranks: ranks, program: program, arguments: arguments)
        return try ProcessRunner.run(
            command[0], arguments: Array(command.dropFirst()),
            environment: Self.environment.merging(environment) { $1 }, timeoutSeconds: timeoutSeconds)
    }

    /// Path of the built executable product `name` of this package (e.g. "mpi-probe").
    ///
    /// Looks first next to the running test executable (the products directory of the current
    /// build configuration), then in `.build/release` and `.build/debug` found by walking up from
    /// `filePath`.
    /// - Throws: `MPIRunLauncherError.productNotFound` listing the places searched.
    public static func productPath(named name: String, filePath: String = #filePath) throws -> String {
        var directories: [String] = []
        if let executable = Bundle.main.executablePath {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent().path)
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path)
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            let build = folder.appendingPathComponent(".build")
            if FileManager.default.fileExists(atPath: build.path) {
                directories += ["release", "debug"].map { build.appendingPathComponent($0).path }
                break
            }
            folder.deleteLastPathComponent()
        }
        let candidates = directories.map { "\($0)/\(name)" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MPIRunLauncherError.productNotFound(name: name, searched: candidates)
        }
        return found
    }
}

/// mpirun or a product to launch is missing.
public enum MPIRunLauncherError: Error, CustomStringConvertible {
    case mpirunNotFound(searchedPath: String)
    case productNotFound(name: String, searched: [String])

    public var description: String {
        switch self {
        case let .mpirunNotFound(path):
            "mpirun not found on PATH (\(path)); install openmpi-bin (apt-get install openmpi-bin)."
        case let .productNotFound(name, searched):
            "executable '\(name)' not found (looked at \(searched.joined(separator: ", "))); "
                + "build it first: swift build -c release --product \(name)."
        }
    }
}
