import Foundation

/// Appends metrics to `metrics.jsonl` (every record) and to CSV files per record kind
/// (`metrics.csv` for training rows, `eval.csv` for evaluations), flushing each line so a crash or
/// a kill loses at most the line being written. Only rank 0 writes.
public final class MetricsLog {
    private let directory: URL
    private var handles: [String: FileHandle] = [:]

    /// Opens (appending) the metric files in `directory`.
    public init(directory: URL) { self.directory = directory }

    deinit { for h in handles.values { try? h.close() } }

    /// Appends one record. `fields` keep their order; values are numbers or strings.
    public func write(kind: String, fields: [(String, MetricValue)]) throws {
        let json = "{\"kind\":\"\(kind)\"," + fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",") + "}\n"
        try append(json, to: "metrics.jsonl", header: nil)
        let csvName = kind == "train" ? "metrics.csv" : "\(kind).csv"
        try append(fields.map(\.1.csv).joined(separator: ",") + "\n", to: csvName,
                   header: fields.map(\.0).joined(separator: ",") + "\n")
    }

    private func append(_ text: String, to name: String, header: String?) throws {
        let handle = try handle(for: name, header: header)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }

    private func handle(for name: String, header: String?) throws -> FileHandle {
        if let h = handles[name] { return h }
        let url = directory.appendingPathComponent(name)
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: header.map { Data($0.utf8) }) else {
                throw RunDirectoryError.cannotWrite(url.path)
            }
        }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        handles[name] = h
        return h
    }
}

/// A metric value: a number (NaN/inf written as null / empty) or text.
public enum MetricValue: Sendable {
    case number(Double)
    case text(String)

    var json: String {
        switch self {
        case .number(let x): x.isFinite ? "\(x)" : "null"
        case .text(let s): "\"\(s.replacingOccurrences(of: "\"", with: "'"))\""
        }
    }

    var csv: String {
        switch self {
        case .number(let x): x.isFinite ? "\(x)" : ""
        case .text(let s): s.contains(",") ? "\"\(s)\"" : s
        }
    }
}

/// Run-directory problems.
public enum RunDirectoryError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case notEmpty(String)
    case missingCheckpoint(String)
    case configMismatch(String, String)

    public var description: String {
        switch self {
        case .cannotWrite(let p): "cannot write \(p); check permissions and free space."
        case .notEmpty(let p):
            "run directory \(p) already holds a run; pass `--resume \(p)` to continue it, or choose another --out."
        case .missingCheckpoint(let p): "no checkpoint to resume in \(p) (expected \(p)/checkpoints/latest.ckpt)."
        case let .configMismatch(p, key):
            "cannot resume \(p): setting '\(key)' differs from the saved run's config.json; resume with the same settings."
        }
    }
}
