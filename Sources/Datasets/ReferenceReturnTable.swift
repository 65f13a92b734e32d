import BinaryFormat
import Foundation

/// Per-environment table of reference returns (`DATA/<env>/reference-returns.tsv`): per task, the
/// mean return of the behaviour that made the data, at ε = 0.05, training and test tasks alike,
/// and which behaviour that was. Evaluation reports normalised returns = return / reference.
public struct ReferenceReturnTable: Sendable, Equatable {
    public var returns: [String: Double]
    /// The behaviour each reference was measured with ("oracle" where a file predates the column).
    public var behaviours: [String: String]

    public init(returns: [String: Double] = [:], behaviours: [String: String] = [:]) {
        self.returns = returns
        self.behaviours = behaviours
    }

    /// The behaviour of `task`'s reference ("oracle" when the table does not say).
    public func behaviour(of task: String) -> String { behaviours[task] ?? "oracle" }

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
            guard fields.count == 2 || fields.count == 3, let value = Double(fields[1]), value.isFinite else {
                throw ReferenceTableError.badLine(path, number + 1, String(line))
            }
            table.returns[String(fields[0])] = value
            if fields.count == 3 { table.behaviours[String(fields[0])] = String(fields[2]) }
        }
        return table
    }

    /// Writes the table atomically, tasks sorted.
    public func write(path: String) throws {
        let body = "# task\treference return (epsilon 0.05)\tbehaviour\n"
            + returns.keys.sorted().map { "\($0)\t\(returns[$0]!)\t\(behaviour(of: $0))" }.joined(separator: "\n") + "\n"
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
        case let .badLine(p, n, line): "\(p):\(n): expected 'task<TAB>number[<TAB>behaviour]', found '\(line)'; re-run `mtrl-dist collect`."
        }
    }
}
