import Distributed
import Foundation
import TensorCore
import Training

/// Runs an experiment's grid: each group of ranks takes cells in the plan's order, skips the
/// finished ones, resumes interrupted ones from their checkpoints and trains the rest, each as an
/// ordinary (multi-rank) training run. A cell is taken by holding `claims/<id>/.lock`, so any
/// number of groups, `mpirun`s and job-array tasks can share one experiment directory; a killed
/// process releases its cells, and the next `run` resumes them.
public struct ExperimentRunner {
    public let spec: ExperimentSpec
    public let directory: ExperimentDirectory
    public let cells: [ExperimentCell]
    /// Compute threads per rank (`--blas-threads`); nil keeps the scale's.
    public var blasThreads: Int?

    public init(spec: ExperimentSpec, directory: ExperimentDirectory, blasThreads: Int? = nil) throws {
        self.spec = spec
        self.directory = directory
        cells = try ExperimentPlan.cells(for: spec, directory: directory)
        self.blasThreads = blasThreads
    }

    /// How a claimed cell starts.
    enum Start: Double { case skip = 0, fresh = 1, resume = 2, stop = 3 }

    /// Trains the cells in `selection` (all when nil) that no one else has taken or finished, on
    /// the ranks of `group` (one group of the world, see `MPICommunicator.split`).
    /// - Returns: `.checkpointedOnSignal` when a signal stopped a run (its checkpoint written; no
    ///   further cell is started), else `.completed`.
    public func run(group: any Communicator, selection: [Int]? = nil, label: String = "") throws -> TrainingOutcome {
        let chosen = selection ?? Array(cells.indices)
        var trained = 0
        for index in chosen {
            let cell = cells[index]
            var claim: RunLock?
            var start = Start.skip
            if group.rank == 0 {
                if SignalFlag.received != 0 {
                    start = .stop
                } else if let (lock, how) = try take(cell) {
                    claim = lock
                    start = how
                }
            }
            var decision = [start.rawValue]
            try group.broadcast(&decision, root: 0)
            start = Start(rawValue: decision[0])!
            if start == .stop { return .checkpointedOnSignal }
            guard start != .skip else { continue }
            if group.rank == 0 {
                print("\(label)[experiment \(spec.name.rawValue)] run \(index + 1)/\(cells.count) \(cell.id): "
                    + (start == .resume ? "resuming from its checkpoint" : "starting"))
                fflush(nil)
            }
            var config = cell.config
            if let blasThreads { config.blasThreads = blasThreads }
            BLAS.setThreadCount(config.blasThreads)
            let trainer = try Trainer(config: config, communicator: group, resume: start == .resume)
            let outcome = try trainer.train(dumpGradientPath: nil)
            withExtendedLifetime(claim) {}
            trained += 1
            if outcome == .checkpointedOnSignal { return outcome }
        }
        if group.rank == 0 {
            print("\(label)[experiment \(spec.name.rawValue)] this group trained \(trained) run(s); "
                + "`mtrl-dist experiment status \(spec.name.rawValue) --out \(directory.path)` shows the whole grid")
        }
        return .completed
    }

    /// Takes `cell` if it is neither finished nor held by another process: its claim lock, and
    /// whether it resumes (a checkpoint exists) or starts afresh (a run killed before its first
    /// checkpoint is cleared; it had nothing to keep).
    func take(_ cell: ExperimentCell) throws -> (RunLock, Start)? {
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
        if run.hasCheckpoint { return (lock, .resume) }
        if fm.fileExists(atPath: run.path) { try fm.removeItem(atPath: run.path) }
        return (lock, .fresh)
    }
}
