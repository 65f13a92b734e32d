import BinaryFormat
import Foundation
import TensorCore

/// Everything needed to continue a run exactly: parameters, target parameters, Adam state,
/// update index, best-checkpoint bookkeeping and the resolved config.
///
/// The random streams of a run are derived from (seed, update, task, slot), so the update index is
/// every rank's generator state; no per-rank generator words need saving.
/// File layout (little-endian): magic "MTRLCKPT", version, config text, counters, then the
/// float arrays (parameters, target, Adam m, Adam v), then a CRC32C of every byte before it.
/// Written atomically (temp + fsync + rename): a crash never leaves a half checkpoint.
public struct Checkpoint {
    public static let magic: [UInt8] = Array("MTRLCKPT".utf8)
    public static let version: UInt32 = 1

    public var configJSON: String
    /// Updates completed.
    public var update: Int
    public var adamSteps: Int
    public var bestScore: Double
    public var bestUpdate: Int
    public var parameters: [Float]
    /// Empty for algorithms without a target network.
    public var target: [Float]
    public var firstMoment: [Float]
    public var secondMoment: [Float]

    public init(configJSON: String, update: Int, adamSteps: Int, bestScore: Double, bestUpdate: Int, parameters: [Float],
                target: [Float], firstMoment: [Float], secondMoment: [Float]) {
        self.configJSON = configJSON
        self.update = update
        self.adamSteps = adamSteps
        self.bestScore = bestScore
        self.bestUpdate = bestUpdate
        self.parameters = parameters
        self.target = target
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    /// Writes the checkpoint to `path` atomically.
    public func write(to path: String) throws {
        var w = ByteWriter()
        w.write(raw: Self.magic)
        w.write(Self.version)
        w.write(configJSON)
        w.write(UInt64(update))
        w.write(UInt64(adamSteps))
        w.write(bestScore)
        w.write(Int64(bestUpdate))
        for array in [parameters, target, firstMoment, secondMoment] {
            w.write(UInt64(array.count))
            w.write(floats: array)
        }
        let crc = CRC32C.checksum(w.bytes)
        w.write(crc)
        try AtomicFile.write(w.bytes, to: path)
    }

    /// Reads and validates a checkpoint.
    /// - Throws: `CheckpointError` naming the file and what is wrong.
    public static func read(from path: String) throws -> Checkpoint {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as BinaryFormatError {
            if case .notRegularFile = error { throw error }
            throw CheckpointError.unreadable(path)
        }
        let bytes = file.withUnsafeBytes { [UInt8]($0) }
        guard bytes.count >= magic.count + 8, Array(bytes.prefix(magic.count)) == magic else {
            throw CheckpointError.notACheckpoint(path)
        }
        let body = Array(bytes.dropLast(4))
        var tail = ByteReader(bytes: Array(bytes.suffix(4)), source: path)
        guard try tail.readUInt32("crc32c") == CRC32C.checksum(body) else { throw CheckpointError.corrupted(path) }
        var r = ByteReader(bytes: body, source: path)
        _ = try r.readBytes(magic.count, "magic")
        let version = try r.readUInt32("version")
        guard version == Self.version else { throw CheckpointError.wrongVersion(path, Int(version)) }
        let config = try r.readString("config")
        // Counters and counts beyond Int's range cannot come from a writer: refuse, never trap.
        func counter(_ field: String) throws -> Int {
            guard let value = Int(exactly: try r.readUInt64(field)) else { throw CheckpointError.corrupted(path) }
            return value
        }
        let update = try counter("update")
        let adamSteps = try counter("adam steps")
        let bestScore = try r.readDouble("best score")
        let bestUpdate = Int(try r.readInt64("best update"))
        var arrays: [[Float]] = []
        for name in ["parameters", "target", "adam m", "adam v"] {
            let count = try counter("\(name) count")
            guard count <= r.remaining / 4 else { throw CheckpointError.corrupted(path) }
            arrays.append(floats(fromLittleEndian: try r.readBytes(count * 4, name)))
        }
        return Checkpoint(configJSON: config, update: update, adamSteps: adamSteps, bestScore: bestScore,
                          bestUpdate: bestUpdate, parameters: arrays[0], target: arrays[1], firstMoment: arrays[2],
                          secondMoment: arrays[3])
    }
}

/// A checkpoint that cannot be used.
public enum CheckpointError: Error, CustomStringConvertible {
    case unreadable(String)
    case notACheckpoint(String)
    case corrupted(String)
    case wrongVersion(String, Int)
    case layoutMismatch(String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read checkpoint \(p); check the path and permissions."
        case .notACheckpoint(let p): "\(p) is not an mtrl-dist checkpoint (bad magic)."
        case .corrupted(let p):
            "checkpoint \(p) is corrupted (checksum mismatch or truncated)."
        case let .wrongVersion(p, v): "checkpoint \(p) has format version \(v); this build reads version \(Checkpoint.version)."
        case let .layoutMismatch(p, expected, found):
            "checkpoint \(p) holds \(found) parameters but the configured model has \(expected); resume with the run's own settings."
        }
    }
}

/// Reinterprets little-endian Float32 bytes (this code runs on little-endian hosts only: x86-64, arm64).
func floats(fromLittleEndian bytes: [UInt8]) -> [Float] {
    let count = bytes.count / 4
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 4)]))
        }
        initialized = count
    }
}

extension Checkpoint {
    /// Puts the checkpoint's Adam moments and step count into `optimizer` (same layout).
    public func restore(into optimizer: AdamOptimizer) {
        optimizer.firstMoment.copy(from: firstMoment)
        optimizer.secondMoment.copy(from: secondMoment)
        optimizer.stepCount = adamSteps
    }

    /// The best parameters this checkpoint refers to: those of `run`'s best.ckpt when it recorded
    /// a best update, else its own. - Throws: `CheckpointError` for an unreadable best.ckpt or one
    /// of another size than `count`.
    public func bestParameters(in run: RunDirectory, count: Int) throws -> [Float] {
        let best = bestUpdate >= 0 ? try run.readCheckpoint(.best).parameters : parameters
        guard best.count == count else { throw CheckpointError.layoutMismatch(run.bestCheckpoint, expected: count, found: best.count) }
        return best
    }
}
