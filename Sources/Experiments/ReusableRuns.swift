import BinaryFormat
import Foundation
import Training

/// Finished runs of other experiments that can stand in for cells of this one (`experiment run
/// --reuse EXP_DIR,...`): a run whose grid settings equal a cell's in everything but where it is
/// written (fig1's MT runs are table1's, fig4's k = M run is table1's Oryx, fig6's `full` runs are
/// table1's Oryx and CQL, on the same data) is copied into the cell's run directory instead of
/// being trained again. `claims/<cell>/reused-from.txt` records where each copy came from.
public struct ReusableRuns: Sendable {
    /// Run directory of a finished run, by the settings key of its cell.
    let finished: [String: String]

    /// Indexes the finished runs of the experiments in `sources`.
    /// - Throws: `ExperimentError.unreadable` for a source without an experiment, `.invalid` for
    ///   `target` itself among the sources.
    public init(sources: [ExperimentDirectory], target: ExperimentDirectory) throws {
        var finished: [String: String] = [:]
        for source in sources {
            guard source.path != target.path else {
                throw ExperimentError.invalid("--reuse \(source.path) is this experiment's own directory")
            }
            guard let spec = try source.readSpec() else {
                throw ExperimentError.unreadable(source.specFile, "no experiment there to reuse runs from (check the --reuse path)")
            }
            for cell in try ExperimentPlan.cells(for: spec, directory: source)
            where FileManager.default.fileExists(atPath: RunDirectory(path: cell.config.out).finalReport) {
                let key = Self.key(cell.config)
                if finished[key] == nil { finished[key] = cell.config.out }  // the first source listed wins
            }
        }
        self.finished = finished
    }

    /// No sources: nothing is reused.
    public init() { finished = [:] }

    /// The settings that decide a run's result, as the grid writes them (support still `auto`).
    static func key(_ config: TrainConfig) -> String { resultSettings(config).resolvedText }

    /// `config` without what does not decide a run's result: its directory and the compute threads
    /// (`--blas-threads` of a sweep).
    static func resultSettings(_ config: TrainConfig) -> TrainConfig {
        var config = config
        config.out = ""
        config.blasThreads = 1
        return config
    }

    /// The finished run that can stand in for `cell`, if any.
    func source(for cell: ExperimentCell) -> String? { finished[Self.key(cell.config)] }

    /// Copies the run at `source` into `cell`'s run directory (whose config.json then names its own
    /// directory) and records the source; the copy appears whole, by a rename, or not at all.
    /// - Throws: file errors, or `ConfigError` for a source config.json this build cannot read.
    static func adopt(_ source: String, as cell: ExperimentCell, in directory: ExperimentDirectory) throws {
        let fm = FileManager.default
        let destination = cell.config.out, staging = destination + ".reusing"
        if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
        defer { try? fm.removeItem(atPath: staging) }  // left only by a failed copy
        try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fm.copyItem(atPath: source, toPath: staging)
        let run = RunDirectory(path: staging)
        var config = TrainConfig()
        try config.load(file: run.configFile)
        config.out = destination
        try AtomicFile.write(Array(config.json.utf8), to: run.configFile)
        if fm.fileExists(atPath: destination) { try fm.removeItem(atPath: destination) }
        try directory.write(source + "\n", to: directory.reuseFile(cell.id))
        try fm.moveItem(atPath: staging, toPath: destination)
    }
}
