/// Every task in the specs, by stable id.
public enum TaskRegistry {
    /// All tasks: RWARE, then LBF, then Connector, each in spec order.
    public static let all: [TaskSpec] = RWARETasks.all + LBFTasks.all + ConnectorTasks.all

    /// Tasks filtered by environment and split (nil = any).
    public static func tasks(kind: EnvironmentKind? = nil, split: TaskSplit? = nil) -> [TaskSpec] {
        all.filter { (kind == nil || $0.kind == kind) && (split == nil || $0.split == split) }
    }

    /// The task with `id`.
    /// - Throws: `TaskLookupError.unknown` listing close matches.
    public static func task(id: String) throws -> TaskSpec {
        if let t = all.first(where: { $0.id == id }) { return t }
        throw TaskLookupError.unknown(id: id, suggestions: closeMatches(to: id))
    }

    /// Up to 5 ids closest to `id` by edit distance (ties by registry order).
    public static func closeMatches(to id: String) -> [String] {
        let scored = all.map { ($0.id, editDistance(Array(id), Array($0.id))) }
        let best = scored.sorted { $0.1 < $1.1 }.prefix(5)
        return best.filter { $0.1 <= max(4, id.count / 2) }.map(\.0)
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// A task id that is not in the registry.
public enum TaskLookupError: Error, CustomStringConvertible, Equatable {
    case unknown(id: String, suggestions: [String])
    public var description: String {
        switch self {
        case let .unknown(id, suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean: \(suggestions.joined(separator: ", "))?"
            return "unknown task id '\(id)'.\(hint) Run `mtrl-dist tasks` to list every task."
        }
    }
}
