import Foundation

/// The files of one training run (`--out RUN_DIR`).
///
/// `config.json` (resolved settings), `reference-returns.tsv` (the normalisation references the
/// run uses), `metrics.jsonl` / `metrics.csv` / `eval.csv` (metrics), `checkpoints/latest.ckpt` and
/// `checkpoints/best.ckpt`, `final.json` (written last).
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configFile: String { "\(path)/config.json" }
    public var referenceReturns: String { "\(path)/reference-returns.tsv" }
    public var checkpointsDirectory: String { "\(path)/checkpoints" }
    public var latestCheckpoint: String { "\(checkpointsDirectory)/latest.ckpt" }
    public var bestCheckpoint: String { "\(checkpointsDirectory)/best.ckpt" }
    public var finalReport: String { "\(path)/final.json" }
    public var url: URL { URL(fileURLWithPath: path) }

    /// Whether a resumable checkpoint exists.
    public var hasCheckpoint: Bool { FileManager.default.fileExists(atPath: latestCheckpoint) }

    /// The checkpoint file of `which` saved parameters.
    public func checkpointFile(_ which: SavedParameters) -> String { which == .best ? bestCheckpoint : latestCheckpoint }

    /// Reads the `which` checkpoint. No fallback: a missing file is an error that says what to do.
    /// - Throws: `RunDirectoryError.missingCheckpoint` / `.missingBest`, or the file's `CheckpointError`.
    public func readCheckpoint(_ which: SavedParameters) throws -> Checkpoint {
        let file = checkpointFile(which)
        guard FileManager.default.fileExists(atPath: file) else {
            throw which == .best ? RunDirectoryError.missingBest(path) : RunDirectoryError.missingCheckpoint(path)
        }
        return try Checkpoint.read(from: file)
    }

    /// Creates the directories of a new run. - Throws: `RunDirectoryError` if it already holds a run.
    public func createForNewRun() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: configFile) || hasCheckpoint { throw RunDirectoryError.notEmpty(path) }
        do { try fm.createDirectory(atPath: checkpointsDirectory, withIntermediateDirectories: true) } catch {
            throw RunDirectoryError.cannotWrite(path)
        }
    }
}

/// Which saved parameters of a run: the best by periodic evaluation, or the latest update.
public enum SavedParameters: String, CaseIterable, Sendable { case best, latest }
