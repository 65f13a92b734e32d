import BinaryFormat
import Foundation

/// Per-environment table of reference returns (`DATA/<env>/reference-returns.tsv`): the mean return
/// of the heuristic at its best quality stage (epsilon 0.05) per task, training and test tasks alike.
/// Evaluation reports normalised returns = return / reference.
public struct ReferenceReturnTable: Sendable, Equatable {
    public var returns: [String: Double]

    public init(returns: [String: Double] = [:]) { self.returns = returns }

    /// The table's path for an environment's data directory.
    public static func path(dataDirectory: String, environment: String) -> String {
        "\(dataDirectory)/\(environment)/reference-returns.tsv"
    }

    /// Reads a table. - Throws: `TrainingSetupError`-style messages via `ReferenceTableError`.
    public static func read(path: String) throws -> ReferenceReturnTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ReferenceTableError.unreadable(path) }
        var table = ReferenceReturnTable()
        for (number, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let value = Double(fields[1]), value.isFinite else {
                throw ReferenceTableError.badLine(path, number + 1, String(line))
            }
            table.returns[String(fields[0])] = value
        }
        return table
    }

    /// Writes the table atomically, tasks sorted.
    public func write(path: String) throws {
        let body = "# task\treference return (heuristic, epsilon 0.05)\n"
            + returns.keys.sorted().map { "\($0)\t\(returns[$0]!)" }.joined(separator: "\n") + "\n"
        try AtomicFile.write(Array(body.utf8), to: path)
    }
}

/// A reference-return table that cannot be used.
public enum ReferenceTableError: Error, CustomStringConvertible {
    case unreadable(String)
    case badLine(String, Int, String)
    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read reference returns \(p); run `mtrl-dist collect` for this environment first."
        case let .badLine(p, n, line): "\(p):\(n): expected 'task<TAB>number', found '\(line)'; re-run `mtrl-dist collect`."
        }
    }
}
