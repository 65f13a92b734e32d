import BinaryFormat
import Datasets
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
    /// The observation standardisation the run trains and acts with (`--standardise on`).
    public var observationStandardisation: String { "\(path)/\(ObservationStandardiser.fileName)" }
    public var checkpointsDirectory: String { "\(path)/checkpoints" }
    public var latestCheckpoint: String { "\(checkpointsDirectory)/latest.ckpt" }
    public var bestCheckpoint: String { "\(checkpointsDirectory)/best.ckpt" }
    /// The latest checkpoint before the current one, kept as a fall-back should `latest.ckpt` be damaged.
    public var previousCheckpoint: String { "\(checkpointsDirectory)/previous.ckpt" }
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

    /// Makes the current `latest.ckpt` the `previous.ckpt` (a hard link, renamed into place, so
    /// both names always hold a complete checkpoint); call before writing a new latest.
    public func keepPreviousCheckpoint() throws {
        guard FileManager.default.fileExists(atPath: latestCheckpoint) else { return }
        let temporary = "\(checkpointsDirectory)/.previous.ckpt.tmp-\(getpid())"
        unlink(temporary)
        if link(latestCheckpoint, temporary) != 0 {
            // Filesystems without hard links: a copy, written atomically.
            guard let bytes = FileManager.default.contents(atPath: latestCheckpoint) else { throw RunDirectoryError.cannotWrite(temporary) }
            try AtomicFile.write([UInt8](bytes), to: previousCheckpoint)
            return
        }
        guard rename(temporary, previousCheckpoint) == 0 else {
            unlink(temporary)
            throw BinaryFormatError.io(path: previousCheckpoint, operation: "rename", errno: errno)
        }
    }

    /// Removes the temporary files (`.NAME.tmp-PID`) that a process killed while writing left behind.
    /// Call only while holding the run's lock.
    public func removeStaleTemporaries() {
        for directory in [path, checkpointsDirectory] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasPrefix(".") && name.contains(".tmp-") {
                unlink("\(directory)/\(name)")
            }
        }
    }

    /// Refuses a run directory inside (or equal to) the dataset directory `data`.
    public func checkOutside(dataDirectory data: String) throws {
        let run = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let dataPath = URL(fileURLWithPath: data).standardizedFileURL.resolvingSymlinksInPath().path
        if run == dataPath || run.hasPrefix(dataPath.hasSuffix("/") ? dataPath : dataPath + "/") {
            throw RunDirectoryError.insideDataDirectory(path, data)
        }
    }

    /// Takes the run directory for a training process (rank 0): refuses a directory inside the
    /// datasets, creates a new run's folders, takes the lock, refuses a new run over an existing
    /// one or a resume without a checkpoint, and removes temporaries a killed writer left.
    /// - Returns: the lock, to hold while training.
    /// - Throws: `RunDirectoryError` saying what is wrong and what to do.
    public func claim(resume: Bool, dataDirectory: String) throws -> RunLock {
        let fm = FileManager.default
        if resume {
            guard fm.fileExists(atPath: configFile) else { throw RunDirectoryError.missingFile(configFile) }
        } else {
            try checkOutside(dataDirectory: dataDirectory)
            do { try fm.createDirectory(atPath: checkpointsDirectory, withIntermediateDirectories: true) } catch {
                throw RunDirectoryError.cannotWrite(path)
            }
        }
        let lock = try RunLock(directory: path, purpose: resume ? "train --resume" : "train")
        if resume {
            guard hasCheckpoint else { throw RunDirectoryError.missingCheckpoint(path) }
        } else if fm.fileExists(atPath: configFile) || hasCheckpoint {
            throw RunDirectoryError.notEmpty(path)
        }
        removeStaleTemporaries()
        return lock
    }
}

/// Which saved parameters of a run: the best by periodic evaluation, or the latest update.
public enum SavedParameters: String, CaseIterable, Sendable { case best, latest }
