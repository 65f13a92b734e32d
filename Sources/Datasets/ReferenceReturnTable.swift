import BinaryFormat
import Foundation

/// Per-environment table of reference returns (`DATA/<env>/reference-returns.tsv`): per task, the
/// mean return of the behaviour that made the data at ε = 0.05 (R_ref) and of the uniformly random
/// legal policy (R_random), each with its standard error, training and test tasks alike. A run
/// copies the rows it uses to `RUN_DIR/reference-returns.tsv`; `ReturnNormaliser` turns returns
/// into normalised scores with them.
///
/// The file: a header line naming the columns, then one row per task, sorted:
/// `task  reference  reference_se  behaviour  random  random_se` (tab-separated, `nan` = unknown).
/// Files written before the random columns (`task reference [behaviour]`) still read, with the
/// unknown values NaN and the behaviour "oracle".
public struct ReferenceReturnTable: Sendable, Equatable {
    public var entries: [String: ReferenceReturn]

    public init(entries: [String: ReferenceReturn] = [:]) { self.entries = entries }

    public subscript(task: String) -> ReferenceReturn? {
        get { entries[task] }
        set { entries[task] = newValue }
    }

    /// The behaviour of `task`'s reference ("oracle" when the table does not say).
    public func behaviour(of task: String) -> String { entries[task]?.behaviour ?? "oracle" }

    /// The table's path for an environment's data directory.
    public static func path(dataDirectory: String, environment: String) -> String {
        "\(dataDirectory)/\(environment)/reference-returns.tsv"
    }

    /// The header line of the files this version writes.
    public static let header = "# task\treference\treference_se\tbehaviour\trandom\trandom_se"

    /// Reads a table. - Throws: `ReferenceTableError` naming the file and the bad line.
    public static func read(path: String) throws -> ReferenceReturnTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ReferenceTableError.unreadable(path) }
        var table = ReferenceReturnTable()
        for (number, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let entry = ReferenceReturn(fields: fields) else { throw ReferenceTableError.badLine(path, number + 1, String(line)) }
            table.entries[fields[0]] = entry
        }
        return table
    }

    /// Writes the table atomically, tasks sorted.
    public func write(path: String) throws {
        let rows = entries.keys.sorted().map { task in
            let e = entries[task]!
            return [task, "\(e.mean)", "\(e.standardError)", e.behaviour, "\(e.randomMean)", "\(e.randomStandardError)"]
                .joined(separator: "\t")
        }
        try AtomicFile.write(Array(([Self.header] + rows).joined(separator: "\n").appending("\n").utf8), to: path)
    }
}

/// One task's row of a `ReferenceReturnTable`. Unknown values are NaN.
public struct ReferenceReturn: Sendable, Equatable {
    /// R_ref: mean return of `behaviour` at ε = 0.05.
    public var mean: Double
    /// Standard error of `mean`.
    public var standardError: Double
    /// The behaviour measured ("oracle" where a file predates the column).
    public var behaviour: String
    /// R_random: mean return of the uniformly random legal policy (ε = 1).
    public var randomMean: Double
    /// Standard error of `randomMean`.
    public var randomStandardError: Double

    public init(mean: Double, standardError: Double = .nan, behaviour: String, randomMean: Double = .nan,
                randomStandardError: Double = .nan) {
        self.mean = mean
        self.standardError = standardError
        self.behaviour = behaviour
        self.randomMean = randomMean
        self.randomStandardError = randomStandardError
    }

    /// Whether the random policy's return is known.
    public var hasRandom: Bool { randomMean.isFinite }

    /// A row's fields (task first): 2, 3 or 6 of them; nil when malformed.
    init?(fields: [String]) {
        func number(_ index: Int, unknownAllowed: Bool, nonNegative: Bool = false) -> Double? {
            guard let value = Double(fields[index]) else { return nil }
            if value.isNaN { return unknownAllowed ? value : nil }
            return value.isFinite && (!nonNegative || value >= 0) ? value : nil
        }
        guard [2, 3, 6].contains(fields.count), !fields[0].isEmpty, let mean = number(1, unknownAllowed: false) else { return nil }
        guard fields.count == 6 else {
            guard fields.count == 2 || !fields[2].isEmpty else { return nil }
            self.init(mean: mean, behaviour: fields.count == 3 ? fields[2] : "oracle")
            return
        }
        guard let error = number(2, unknownAllowed: true, nonNegative: true), !fields[3].isEmpty,
              let random = number(4, unknownAllowed: true), let randomError = number(5, unknownAllowed: true, nonNegative: true)
        else { return nil }
        self.init(mean: mean, standardError: error, behaviour: fields[3], randomMean: random, randomStandardError: randomError)
    }

    /// Equal field by field, an unknown (NaN) value equal to an unknown one.
    public static func == (a: Self, b: Self) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return same(a.mean, b.mean) && same(a.standardError, b.standardError) && a.behaviour == b.behaviour
            && same(a.randomMean, b.randomMean) && same(a.randomStandardError, b.randomStandardError)
    }
}

/// A reference-return table that cannot be used.
public enum ReferenceTableError: Error, CustomStringConvertible {
    case unreadable(String)
    case badLine(String, Int, String)
    public var description: String {
        switch self {
        case .unreadable(let p): "cannot read reference returns \(p); run `mtrl-dist collect` for this environment first."
        case let .badLine(p, n, line):
            "\(p):\(n): expected 'task<TAB>reference<TAB>reference_se<TAB>behaviour<TAB>random<TAB>random_se' "
                + "(numbers finite or nan, standard errors >= 0; older files: 'task<TAB>reference[<TAB>behaviour]'), "
                + "found '\(line)'; re-run `mtrl-dist collect`."
        }
    }
}
