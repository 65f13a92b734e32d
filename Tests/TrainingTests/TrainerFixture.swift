import Foundation
import Testing
import TestSupport
import Training

/// A small LBF dataset directory made once per test process with the real `mtrl-dist collect`,
/// and helpers to run `mtrl-dist train` as a subprocess (alone or under real mpirun).
enum TrainerFixture {
    /// Three training tasks (2, 2 and 3 agents), so 5 ranks are more ranks than tasks.
    static let tasks = "lbf-8x8-2p-2f-coop,lbf-2s-8x8-2p-2f-coop,lbf-10x10-3p-3f"
    /// A tiny model and batch: B = 7 is not a multiple of M = 3, and B_τ·n_τ differ across tasks.
    static let smallRun = ["--env", "lbf", "--tasks", tasks, "--embed", "16", "--heads", "2", "--batch", "7", "--chunk", "5",
                           "--eval-every", "0", "--final-eval-episodes", "0", "--log-every", "5", "--seed", "3"]

    /// `smallRun` with some settings replaced or added (`["steps": "10"]`).
    static func arguments(overriding settings: [String: String]) -> [String] {
        var result: [String] = []
        var i = 0
        while i < smallRun.count {
            let key = String(smallRun[i].dropFirst(2))
            result += [smallRun[i], settings[key] ?? smallRun[i + 1]]
            i += 2
        }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) where !smallRun.contains("--\(key)") {
            result += ["--\(key)", value]
        }
        return result
    }

    static let dataDirectory: Result<String, any Error> = Result {
        try collect(prefix: "mtrl-train-data", ["--task", tasks, "--episodes", "20", "--stages", "2", "--seed", "5",
                                                "--reference-episodes", "4"])
    }

    /// Runs `mtrl-dist collect` with `arguments` into a new temporary directory, kept for the
    /// whole test process (call it from a `static let`'s lazy initialiser: it runs once).
    static func collect(prefix: String, _ arguments: [String]) throws -> String {
        let directory = try TemporaryDirectory(prefix: prefix)
        let outcome = try ProcessRunner.run(try binary(), arguments: ["collect"] + arguments + ["--out", directory.url.path],
                                            timeoutSeconds: 300)
        guard outcome.exitStatus == 0 else { throw FixtureError("collect failed: \(outcome.combinedOutput)") }
        retainedLock.lock()
        retained.append(directory)
        retainedLock.unlock()
        return directory.url.path
    }

    /// Collected directories (TemporaryDirectory deletes on deinit).
    nonisolated(unsafe) static var retained: [TemporaryDirectory] = []
    static let retainedLock = NSLock()

    /// A private copy of the fixture data directory, to damage without touching other tests' data.
    static func dataCopy(in directory: TemporaryDirectory) throws -> String {
        let copy = directory.file("data")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: try dataDirectory.get()), to: copy)
        return copy.path
    }

    static func binary() throws -> String { try MPIRunLauncher.productPath(named: "mtrl-dist") }

    /// Runs `mtrl-dist train` with `arguments` on the fixture data (or `data`), under `mpirun -n ranks` when ranks > 1.
    static func train(ranks: Int = 1, data: String? = nil, _ arguments: [String], timeout: Double = 600) throws -> ProcessOutcome {
        let data = try data ?? dataDirectory.get()
        let full = ["train", "--data", data] + arguments
        let environment = ["OPENBLAS_NUM_THREADS": "1"]
        if ranks == 1 { return try ProcessRunner.run(try binary(), arguments: full, environment: environment, timeoutSeconds: timeout) }
        return try MPIRunLauncher().run(ranks: ranks, program: try binary(), arguments: full, environment: environment,
                                        timeoutSeconds: timeout)
    }

    /// Little-endian Float32 values of a file.
    static func floats(at path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// max |a − b| / max |a|.
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
        let scale = a.map { Double(abs($0)) }.max() ?? 0
        let diff = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? 0
        return scale > 0 ? diff / scale : diff
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
