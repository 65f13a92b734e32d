import Foundation

/// The files of one training run (`--out RUN_DIR`).
///
/// `config.json` (resolved settings), `metrics.jsonl` / `metrics.csv` / `eval.csv` (metrics),
/// `checkpoints/latest.ckpt` and `checkpoints/best.ckpt`, `final.json` (written last).
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configFile: String { "\(path)/config.json" }
    public var checkpointsDirectory: String { "\(path)/checkpoints" }
    public var latestCheckpoint: String { "\(checkpointsDirectory)/latest.ckpt" }
    public var bestCheckpoint: String { "\(checkpointsDirectory)/best.ckpt" }
    public var finalReport: String { "\(path)/final.json" }
    public var url: URL { URL(fileURLWithPath: path) }

    /// Whether a resumable checkpoint exists.
    public var hasCheckpoint: Bool { FileManager.default.fileExists(atPath: latestCheckpoint) }

    /// Creates the directories of a new run. - Throws: `RunDirectoryError` if it already holds a run.
    public func createForNewRun() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: configFile) || hasCheckpoint { throw RunDirectoryError.notEmpty(path) }
        do { try fm.createDirectory(atPath: checkpointsDirectory, withIntermediateDirectories: true) } catch {
            throw RunDirectoryError.cannotWrite(path)
        }
    }
}
