import BinaryFormat
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Appends metrics to `metrics.jsonl` (every record) and to CSV files per record kind
/// (`metrics.csv` for training rows, `eval.csv` for evaluations, `final.csv`, `evaluate.csv`).
/// Only rank 0 writes.
///
/// Each line is one `write` on a file opened for appending, flushed to disk; a failed write (disk
/// full) cuts the file back to its last whole line and throws an error naming the file. On resume,
/// `truncate(directory:after:)` drops the rows written after the checkpoint and any torn last line,
/// so a killed and resumed run has each update's rows once.
public final class MetricsLog {
    private let directory: URL
    private var descriptors: [String: Int32] = [:]

    /// Record kinds whose rows belong to the training timeline (truncated on resume).
    static let timelineKinds = ["train", "eval", "final"]

    /// Opens (appending) the metric files in `directory`, each on its first write.
    public init(directory: URL) { self.directory = directory }

    deinit { for fd in descriptors.values { close(fd) } }

    /// Appends one record. `fields` keep their order; values are numbers or strings.
    public func write(kind: String, fields: [(String, MetricValue)]) throws {
        let json = "{\"kind\":\"\(kind)\"," + fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",") + "}\n"
        let csv = Self.csvName(kind: kind), header = fields.map(\.0).joined(separator: ",") + "\n"
        try checkHeader(of: csv, is: header)
        try append(json, to: "metrics.jsonl", header: nil)
        try append(fields.map(\.1.csv).joined(separator: ",") + "\n", to: csv, header: header)
    }

    /// Appends one evaluation: the update, `extra` fields, then each task's normalised and mean return.
    public func write(_ scores: [TaskScore], kind: String, update: Int, extra: [(String, MetricValue)] = []) throws {
        var fields: [(String, MetricValue)] = [("update", .number(Double(update)))] + extra
        for s in scores { fields.append(("norm/\(s.taskID)", .number(s.normalisedReturn))) }
        for s in scores { fields.append(("return/\(s.taskID)", .number(s.meanReturn))) }
        try write(kind: kind, fields: fields)
    }

    static func csvName(kind: String) -> String { kind == "train" ? "metrics.csv" : "\(kind).csv" }

    private func append(_ text: String, to name: String, header: String?) throws {
        let path = directory.appendingPathComponent(name).path
        let fd = try descriptor(for: path, name: name)
        let before = lseek(fd, 0, SEEK_END)
        let bytes = Array(((before == 0 ? header ?? "" : "") + text).utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = n < 0 ? errno : ENOSPC
                _ = ftruncate(fd, before)  // no torn line: back to the last whole one
                throw BinaryFormatError.io(path: path, operation: "write", errno: code)
            }
            done += n
        }
        guard fsync(fd) == 0 || errno == EINVAL else { throw BinaryFormatError.io(path: path, operation: "fsync", errno: errno) }
    }

    /// Headers already found equal to the rows appended, by file name.
    private var checkedHeaders: [String: String] = [:]

    /// Throws `RunDirectoryError.otherColumns` when the CSV `name` exists with a first line other
    /// than `header` (rows of another task set would make it unreadable); before anything is written.
    private func checkHeader(of name: String, is header: String) throws {
        if checkedHeaders[name] == header { return }
        let path = directory.appendingPathComponent(name).path
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let start = try handle.read(upToCount: header.utf8.count) ?? Data()
            if !start.isEmpty && start != Data(header.utf8) {
                let rest = try handle.read(upToCount: 4096) ?? Data()
                let line = String(decoding: start + rest, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                throw RunDirectoryError.otherColumns(path, line, String(header.dropLast()))
            }
        }
        checkedHeaders[name] = header
    }

    private func descriptor(for path: String, name: String) throws -> Int32 {
        if let fd = descriptors[name] { return fd }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BinaryFormatError.io(path: path, operation: "open", errno: errno) }
        descriptors[name] = fd
        return fd
    }

    /// Drops, from the metric files of `directory`, the training-timeline rows of updates after
    /// `update` and any torn last line (a line without its newline). Rows of other kinds stay.
    public static func truncate(directory: URL, after update: Int) throws {
        for kind in timelineKinds {
            try rewrite(directory.appendingPathComponent(csvName(kind: kind)).path) { line, isHeader in
                isHeader || (Double(line.prefix { $0 != "," }) ?? 0) <= Double(update)
            }
        }
        try rewrite(directory.appendingPathComponent("evaluate.csv").path) { _, _ in true }
        try rewrite(directory.appendingPathComponent("metrics.jsonl").path) { line, _ in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
            guard let kind = object["kind"] as? String, timelineKinds.contains(kind) else { return true }
            return ((object["update"] as? NSNumber)?.doubleValue ?? 0) <= Double(update)
        }
    }

    /// Rewrites `path` (if it exists) keeping the whole lines `keep` accepts; unchanged files are not touched.
    private static func rewrite(_ path: String, keep: (Substring, _ isHeader: Bool) -> Bool) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the last newline: empty, or a torn line
        let kept = lines.enumerated().filter { keep($0.element, $0.offset == 0 && path.hasSuffix(".csv")) }.map(\.element)
        let result = kept.map { $0 + "\n" }.joined()
        if result.utf8.count != data.count { try AtomicFile.write(Array(result.utf8), to: path) }
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
