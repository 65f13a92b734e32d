import Foundation

/// The first field of a transition where our environment and the reference disagree.
public struct TraceMismatch: Error, Sendable, CustomStringConvertible {
    public let field: String
    public let expected: String
    public let actual: String
    public init(field: String, expected: String, actual: String) {
        self.field = field
        self.expected = expected
        self.actual = actual
    }
    public var description: String { "\(field): expected \(expected), got \(actual)" }
}

/// A trace file that cannot be read or understood.
public struct TraceFormatError: Error, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let reason: String
    public var description: String { "\(path):\(line): \(reason)" }
}

/// Replays reference transitions of one environment (see shared FORMAT.md).
public protocol TraceReplayer {
    /// Builds the task from the trace header's `task_params`.
    init(header: [String: Any]) throws
    /// Loads `state`, applies `actions`, and compares reward, flags, `next_state`
    /// (random fields only for validity), `next_obs` and `next_action_mask`.
    /// - Returns: nil when everything matches, else the first mismatch.
    func check(transition: [String: Any]) throws -> TraceMismatch?
}

/// Result of checking one trace file.
public struct TraceFileReport: Sendable {
    public let path: String
    public let passed: Int
    public let failed: Int
    /// Transition index and mismatch of the first failure.
    public let firstFailure: (index: Int, mismatch: TraceMismatch)?
}

/// Checks reference-trace files transition by transition.
public enum TraceChecker {
    /// Reads and checks every transition of the file at `path`.
    /// - Throws: `TraceFormatError` when the file is unreadable or malformed.
    public static func check(path: String) throws -> TraceFileReport {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TraceFormatError(path: path, line: 0, reason: "cannot read the file")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first else { throw TraceFormatError(path: path, line: 1, reason: "empty file") }
        let header = try object(first, path: path, line: 1)
        guard let format = header["format"] as? String, format.hasPrefix("mtrl-reference-trace/") else {
            throw TraceFormatError(path: path, line: 1, reason: "header has no 'format: mtrl-reference-trace/1'")
        }
        let replayer: any TraceReplayer
        do {
            switch header["env"] as? String {
            case "rware": replayer = try RWARETraceReplayer(header: header)
            case "lbf": replayer = try LBFTraceReplayer(header: header)
            case "connector": replayer = try ConnectorTraceReplayer(header: header)
            default: throw TraceFormatError(path: path, line: 1, reason: "unknown env '\(header["env"] ?? "nil")' (rware, lbf, connector)")
            }
        } catch let error as TraceFormatError { throw error } catch {
            throw TraceFormatError(path: path, line: 1, reason: "bad task_params: \(error)")
        }
        var passed = 0
        var failed = 0
        var firstFailure: (Int, TraceMismatch)?
        for (i, line) in lines.dropFirst().enumerated() {
            let transition = try object(line, path: path, line: i + 2)
            let mismatch: TraceMismatch?
            do { mismatch = try replayer.check(transition: transition) } catch {
                throw TraceFormatError(path: path, line: i + 2, reason: "\(error)")
            }
            if let mismatch {
                failed += 1
                if firstFailure == nil { firstFailure = (i, mismatch) }
            } else {
                passed += 1
            }
        }
        return TraceFileReport(path: path, passed: passed, failed: failed, firstFailure: firstFailure)
    }

    static func object(_ line: Substring, path: String, line number: Int) throws -> [String: Any] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(line.utf8)), let object = value as? [String: Any]
        else { throw TraceFormatError(path: path, line: number, reason: "not a JSON object") }
        return object
    }
}

/// Small typed accessors and comparisons for trace JSON, shared by the three replayers.
public enum TraceJSON {
    public struct MissingField: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "missing or mistyped field '\(name)'" }
    }

    public static func int(_ object: [String: Any], _ key: String) throws -> Int {
        if let v = object[key] as? Int { return v }
        if let v = object[key] as? Double, v == v.rounded() { return Int(v) }
        if let v = object[key] as? Bool { return v ? 1 : 0 }
        throw MissingField(name: key)
    }

    public static func double(_ object: [String: Any], _ key: String) throws -> Double {
        if let v = object[key] as? Double { return v }
        if let v = object[key] as? Int { return Double(v) }
        throw MissingField(name: key)
    }

    public static func bool(_ object: [String: Any], _ key: String) throws -> Bool {
        if let v = object[key] as? Bool { return v }
        if let v = object[key] as? Int { return v != 0 }
        throw MissingField(name: key)
    }

    public static func dict(_ object: [String: Any], _ key: String) throws -> [String: Any] {
        guard let v = object[key] as? [String: Any] else { throw MissingField(name: key) }
        return v
    }

    public static func array(_ object: [String: Any], _ key: String) throws -> [Any] {
        guard let v = object[key] as? [Any] else { throw MissingField(name: key) }
        return v
    }

    /// A list of numbers (ints, floats or bools) as Doubles.
    public static func numbers(_ value: Any, name: String) throws -> [Double] {
        guard let list = value as? [Any] else { throw MissingField(name: name) }
        return try list.map { item in
            if let d = item as? Double { return d }
            if let i = item as? Int { return Double(i) }
            if let b = item as? Bool { return b ? 1 : 0 }
            throw MissingField(name: name)
        }
    }

    /// A list of lists of numbers, flattened row by row.
    public static func matrix(_ object: [String: Any], _ key: String) throws -> [[Double]] {
        try array(object, key).map { try numbers($0, name: key) }
    }

    /// Compares two float rows element-wise with absolute tolerance; names the first differing entry.
    public static func compare(_ field: String, expected: [[Double]], actual: [[Double]], tolerance: Double = 1e-5)
        -> TraceMismatch?
    {
        if expected.count != actual.count {
            return TraceMismatch(field: field, expected: "\(expected.count) rows", actual: "\(actual.count) rows")
        }
        for (r, (e, a)) in zip(expected, actual).enumerated() {
            if e.count != a.count {
                return TraceMismatch(field: "\(field)[\(r)]", expected: "\(e.count) values", actual: "\(a.count) values")
            }
            for (c, (x, y)) in zip(e, a).enumerated() where abs(x - y) > tolerance {
                return TraceMismatch(field: "\(field)[\(r)][\(c)]", expected: "\(x)", actual: "\(y)")
            }
        }
        return nil
    }

    /// Compares two scalars (or any equatable rendering) exactly.
    public static func compare<T: Equatable>(_ field: String, expected: T, actual: T) -> TraceMismatch? {
        expected == actual ? nil : TraceMismatch(field: field, expected: "\(expected)", actual: "\(actual)")
    }
}
