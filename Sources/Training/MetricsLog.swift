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

    /// Appends one evaluation: the update, `extra` fields, then each task's normalised and mean return.
    public func write(_ scores: [TaskScore], kind: String, update: Int, extra: [(String, MetricValue)] = []) throws {
        var fields: [(String, MetricValue)] = [("update", .number(Double(update)))] + extra
        for s in scores { fields.append(("norm/\(s.taskID)", .number(s.normalisedReturn))) }
        for s in scores { fields.append(("return/\(s.taskID)", .number(s.meanReturn))) }
        try write(kind: kind, fields: fields)
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
