import Foundation

/// The numbers of a metrics CSV file that `MetricsLog` wrote (`metrics.csv`, `eval.csv`, ...):
/// its header and one row of values per line, an empty field (a non-finite number) as NaN.
public struct MetricsTable: Sendable {
    public let columns: [String]
    public let rows: [[Double]]

    /// Reads `path`; nil when the file does not exist (no such records were written).
    /// - Throws: `MetricsTableError` naming the file and line when a line does not match the header.
    public static func read(path: String) throws -> MetricsTable? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard let header = lines.first else { return MetricsTable(columns: [], rows: []) }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = try lines.dropFirst().enumerated().map { number, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == columns.count else {
                throw MetricsTableError.malformed(path: path, line: number + 2, fields: fields.count, columns: columns.count)
            }
            return fields.map { Double($0) ?? .nan }
        }
        return MetricsTable(columns: columns, rows: rows)
    }

    /// The values of column `name`, one per row; nil when there is no such column.
    public func column(_ name: String) -> [Double]? {
        columns.firstIndex(of: name).map { index in rows.map { $0[index] } }
    }
}

/// A metrics CSV file that cannot be read as a table.
public enum MetricsTableError: Error, CustomStringConvertible, Equatable {
    case malformed(path: String, line: Int, fields: Int, columns: Int)

    public var description: String {
        switch self {
        case .malformed(let path, let line, let fields, let columns):
            "\(path): line \(line) has \(fields) fields for \(columns) columns in the header; the file is damaged (rerun or restore the run)"
        }
    }
}
