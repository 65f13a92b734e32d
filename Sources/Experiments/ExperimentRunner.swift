import BinaryFormat
import Distributed
import Foundation
import TensorCore
import Training

/// Runs an experiment's grid: each group of ranks takes cells in the plan's order, skips the
/// finished ones, resumes interrupted ones from their checkpoints and trains the rest, each as an
/// ordinary (multi-rank) training run. A cell is taken by holding `claims/<id>/.lock`, so any
/// number of groups, `mpirun`s and job-array tasks can share one experiment directory; a killed
/// process releases its cells, and the next `run` resumes them. A run that stops on all its ranks
/// together (a non-finite update) is recorded as failed (`claims/<id>/failed.txt`) and the sweep
/// goes on; later sweeps skip it unless `retriesFailed`.
public struct ExperimentRunner {
    public let spec: ExperimentSpec
    public let directory: ExperimentDirectory
    public let cells: [ExperimentCell]
    /// Compute threads per rank (`--blas-threads`); nil keeps the scale's.
    public var blasThreads: Int?
    /// Train runs recorded as failed again (`--retry-failed`), from their last checkpoint if any.
    public var retriesFailed = false
    /// Other experiments' finished runs that stand in for equal cells (`--reuse`).
    public var reusable = ReusableRuns()

    /// What a sweep of one group did.
    public struct Summary: Equatable, Sendable {
        /// `.checkpointedOnSignal` when a signal stopped a run (its checkpoint written).
        public var outcome: TrainingOutcome
        public var trained: Int
        public var failed: Int
        /// Cells copied from other experiments' finished runs.
        public var reused = 0
    }

    public init(spec: ExperimentSpec, directory: ExperimentDirectory, blasThreads: Int? = nil) throws {
        self.spec = spec
        self.directory = directory
        cells = try ExperimentPlan.cells(for: spec, directory: directory)
        self.blasThreads = blasThreads
    }

    /// How a claimed cell starts.
    enum Start: Double { case skip = 0, fresh = 1, resume = 2, stop = 3, skipFailed = 4, reused = 5 }

    /// Trains the cells in `selection` (all when nil) that no one else has taken or finished, on
    /// the ranks of `group` (one group of the world, see `MPICommunicator.split`).
    /// - Returns: what the group trained; after a signal (checkpoint written) no further cell starts.
    public func run(group: any Communicator, selection: [Int]? = nil, label: String = "") throws -> Summary {
        let chosen = selection ?? Array(cells.indices)
        var summary = Summary(outcome: .completed, trained: 0, failed: 0)
        for index in chosen {
            let cell = cells[index]
            var claim: RunLock?
            var start = Start.skip
            if group.rank == 0 {
                if SignalFlag.received != 0 {
                    start = .stop
                } else if let (lock, how) = try take(cell, label: label) {
                    claim = lock
                    start = how
                } else if !retriesFailed && FileManager.default.fileExists(atPath: directory.failureFile(cell.id)) {
                    start = .skipFailed
                }
            }
            var decision = [start.rawValue]
            try group.broadcast(&decision, root: 0)
            start = Start(rawValue: decision[0])!
            if start == .stop { summary.outcome = .checkpointedOnSignal; return summary }
            if start == .skipFailed { summary.failed += 1 }
            if start == .reused {
                if group.rank == 0 {
                    print("\(label)[experiment \(spec.name.rawValue)] run \(index + 1)/\(cells.count) \(cell.id): reused "
                        + (reusable.source(for: cell) ?? "?"))
                    fflush(nil)
                }
                summary.reused += 1
            }
            guard start == .fresh || start == .resume else { continue }
            if group.rank == 0 {
                print("\(label)[experiment \(spec.name.rawValue)] run \(index + 1)/\(cells.count) \(cell.id): "
                    + (start == .resume ? "resuming from its checkpoint" : "starting"))
                fflush(nil)
            }
            var config = cell.config
            if let blasThreads { config.blasThreads = blasThreads }
            BLAS.setThreadCount(config.blasThreads)
            let outcome: TrainingOutcome
            do {
                let trainer = try Trainer(config: config, communicator: group, resume: start == .resume)
                outcome = try trainer.train(dumpGradientPath: nil)
            } catch let error as any CollectiveError {
                // Every rank of the group stopped together: record it, go on with the next run.
                if group.rank == 0 {
                    try AtomicFile.write(Array("\(error)\n".utf8), to: directory.failureFile(cell.id))
                    print("\(label)[experiment \(spec.name.rawValue)] run \(cell.id) failed: \(error)\n"
                        + "  recorded in \(directory.failureFile(cell.id)); going on with the next run")
                    fflush(nil)
                }
                summary.failed += 1
                continue
            }
            withExtendedLifetime(claim) {}
            summary.trained += 1
            if outcome == .checkpointedOnSignal { summary.outcome = outcome; return summary }
        }
        if group.rank == 0 {
            print("\(label)[experiment \(spec.name.rawValue)] this group trained \(summary.trained) run(s)"
                + (summary.reused > 0 ? ", reused \(summary.reused)" : "")
                + (summary.failed > 0 ? ", \(summary.failed) failed" : "")
                + "; `mtrl-dist experiment status \(spec.name.rawValue) --out \(directory.path)` shows the whole grid")
        }
        return summary
    }

    /// Takes `cell` if it is neither finished nor held by another process: its claim lock, and
    /// whether it resumes (a checkpoint exists), is copied from another experiment's equal finished
    /// run (`reusable`), or starts afresh (a run killed before its first checkpoint is cleared; it
    /// had nothing to keep). `label` prefixes its lines, as the run's own.
    func take(_ cell: ExperimentCell, label: String) throws -> (RunLock, Start)? {
        let run = RunDirectory(path: cell.config.out)
        let fm = FileManager.default
        if fm.fileExists(atPath: run.finalReport) { return nil }
        let claimDirectory = directory.claimDirectory(cell.id)
        try fm.createDirectory(atPath: claimDirectory, withIntermediateDirectories: true)
        let lock: RunLock
        do { lock = try RunLock(directory: claimDirectory, purpose: "experiment run \(cell.id)") } catch RunDirectoryError.locked {
            return nil
        }
        if fm.fileExists(atPath: run.finalReport) { return nil }
        let failure = directory.failureFile(cell.id)
        if fm.fileExists(atPath: failure) {
            guard retriesFailed else { return nil }
            try fm.removeItem(atPath: failure)
        }
        if run.hasCheckpoint { return (lock, .resume) }
        if let source = reusable.source(for: cell) {
            do {
                try ReusableRuns.adopt(source, as: cell, in: directory)
                return (lock, .reused)
            } catch {
                print("\(label)[experiment \(spec.name.rawValue)] cannot reuse \(source) for \(cell.id) (\(error)); training it instead")
            }
        }
        if fm.fileExists(atPath: run.path) { try fm.removeItem(atPath: run.path) }
        return (lock, .fresh)
    }
}
