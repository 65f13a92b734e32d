/// Replays LBF reference transitions (shared reference-traces/FORMAT.md) through a 1-copy
/// `LBFBatch`, so the traces test the same stepping code as training and evaluation.
///
/// Compared in this order, the first difference wins: `obs`, `action_mask` (of the loaded state),
/// `reward`, `agent_rewards`, `terminal`, `truncated`, `next_state` (agents, food, step count; `key`
/// must be carried unchanged unless listed in `random_fields`), `next_obs`, `next_action_mask`.
/// Floats within 1e-5.
public struct LBFTraceReplayer: TraceReplayer {
    public let parameters: LBFParameters
    private let batch: LBFBatch
    private let keyIsRandom: Bool

    /// - Throws: `TraceJSON.MissingField` or `LBFParameterError` for bad `task_params`,
    ///   `LBFTraceError.headerDisagrees` when the header's sizes do not match them,
    ///   `LBFTraceError.unsupportedObserver` for an observer other than the vector one.
    public init(header: [String: Any]) throws {
        let p = try TraceJSON.dict(header, "task_params")
        if let observer = p["observation"], observer as? String != "vector" {
            throw LBFTraceError.unsupportedObserver("\(observer)")
        }
        let timeLimit =
            p["time_limit"] != nil ? try TraceJSON.int(p, "time_limit") : try TraceJSON.int(header, "time_limit")
        parameters = try LBFParameters(
            gridSize: try TraceJSON.int(p, "grid_size"), fieldOfView: try TraceJSON.int(p, "fov"),
            agentCount: try TraceJSON.int(p, "num_agents"), foodCount: try TraceJSON.int(p, "num_food"),
            maxAgentLevel: try TraceJSON.int(p, "max_agent_level"),
            forcesCooperation: try TraceJSON.bool(p, "force_coop"),
            timeLimit: timeLimit, penalty: p["penalty"] != nil ? Float(try TraceJSON.double(p, "penalty")) : 0,
            normalizesReward: p["normalize_reward"] != nil ? try TraceJSON.bool(p, "normalize_reward") : true)
        for (key, value) in [
            ("num_agents", parameters.agentCount), ("obs_dim", parameters.observationSize), ("num_actions", 6),
        ]
        where header[key] != nil {
            let found = try TraceJSON.int(header, key)
            if found != value { throw LBFTraceError.headerDisagrees(field: key, header: found, taskParams: value) }
        }
        let random = (header["random_fields"] as? [String]) ?? []
        keyIsRandom = random.contains("state.key") || random.contains("next_state.key")
        batch = LBFBatch(parameters: parameters, copies: 1)
    }

    public func check(transition: [String: Any]) throws -> TraceMismatch? {
        let stateJSON = try TraceJSON.dict(transition, "state")
        try batch.load(try Self.snapshot(stateJSON), copy: 0)
        if transition["obs"] != nil, let m = compareObservations("obs", try TraceJSON.matrix(transition, "obs")) {
            return m
        }
        if transition["action_mask"] != nil,
            let m = compareMasks("action_mask", try TraceJSON.matrix(transition, "action_mask"))
        {
            return m
        }
        let actions = try Self.actions(transition, agentCount: parameters.agentCount)
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        batch.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)

        if let m = Self.compare(
            "reward", expected: [try TraceJSON.double(transition, "reward")], actual: [Double(reward[0])])
        {
            return m
        }
        if transition["agent_rewards"] != nil {
            let expected = try TraceJSON.numbers(transition["agent_rewards"] as Any, name: "agent_rewards")
            let actual = batch.agentRewards(copy: 0).map(Double.init)
            if let m = Self.compare("agent_rewards", expected: expected, actual: actual) { return m }
        }
        if let m = TraceJSON.compare(
            "terminal", expected: try TraceJSON.bool(transition, "terminal"), actual: terminal[0])
        {
            return m
        }
        if let m = TraceJSON.compare(
            "truncated", expected: try TraceJSON.bool(transition, "truncated"), actual: truncated[0])
        {
            return m
        }
        let nextJSON = try TraceJSON.dict(transition, "next_state")
        if let m = Self.compare(expected: try Self.snapshot(nextJSON), actual: batch.snapshot(copy: 0)) { return m }
        if !keyIsRandom, let expectedKey = nextJSON["key"], let key = stateJSON["key"] {
            let before = try TraceJSON.numbers(key, name: "state.key")
            let after = try TraceJSON.numbers(expectedKey, name: "next_state.key")
            if let m = TraceJSON.compare("next_state.key", expected: "\(after)", actual: "\(before)") { return m }
        }
        if let m = compareObservations("next_obs", try TraceJSON.matrix(transition, "next_obs")) { return m }
        return compareMasks("next_action_mask", try TraceJSON.matrix(transition, "next_action_mask"))
    }

    private func compareObservations(_ field: String, _ expected: [[Double]]) -> TraceMismatch? {
        var buffer = [Float](repeating: 0, count: parameters.agentCount * parameters.observationSize)
        batch.observations(into: &buffer)
        let rows = (0..<parameters.agentCount).map { i in
            buffer[(i * parameters.observationSize)..<((i + 1) * parameters.observationSize)].map(Double.init)
        }
        return TraceJSON.compare(field, expected: expected, actual: rows)
    }

    private func compareMasks(_ field: String, _ expected: [[Double]]) -> TraceMismatch? {
        let a = LBFAction.allCases.count
        var buffer = [UInt8](repeating: 0, count: parameters.agentCount * a)
        batch.legalActions(into: &buffer)
        let rows = (0..<parameters.agentCount).map { i in buffer[(i * a)..<((i + 1) * a)].map(Double.init) }
        return TraceJSON.compare(field, expected: expected, actual: rows, tolerance: 0)
    }

    /// Floats within 1e-5; a single value is named `field`, a list `field[i]`.
    private static func compare(_ field: String, expected: [Double], actual: [Double]) -> TraceMismatch? {
        if expected.count != actual.count {
            return TraceMismatch(field: field, expected: "\(expected.count) values", actual: "\(actual.count) values")
        }
        for (i, (e, a)) in zip(expected, actual).enumerated() where abs(e - a) > 1e-5 {
            return TraceMismatch(
                field: expected.count == 1 ? field : "\(field)[\(i)]", expected: "\(e)", actual: "\(a)")
        }
        return nil
    }

    /// The first differing next_state field, named like `next_state.agents[1].position`.
    private static func compare(expected: LBFSnapshot, actual: LBFSnapshot) -> TraceMismatch? {
        /// An agent or food as (row, col, level, its flag); `flag` names the flag's field.
        typealias Entity = (row: Int, col: Int, level: Int, flag: Bool)
        func compare(_ name: String, flag: String, _ e: Entity, _ a: Entity) -> TraceMismatch? {
            TraceJSON.compare("\(name).position", expected: "[\(e.row), \(e.col)]", actual: "[\(a.row), \(a.col)]")
                ?? TraceJSON.compare("\(name).level", expected: e.level, actual: a.level)
                ?? TraceJSON.compare("\(name).\(flag)", expected: e.flag, actual: a.flag)
        }
        for (i, (e, a)) in zip(expected.agents, actual.agents).enumerated() {
            if let m = compare("next_state.agents[\(i)]", flag: "loading",
                               (e.row, e.col, e.level, e.isLoading), (a.row, a.col, a.level, a.isLoading)) { return m }
        }
        for (f, (e, a)) in zip(expected.foods, actual.foods).enumerated() {
            if let m = compare("next_state.food[\(f)]", flag: "eaten",
                               (e.row, e.col, e.level, e.isEaten), (a.row, a.col, a.level, a.isEaten)) { return m }
        }
        return TraceJSON.compare("next_state.step_count", expected: expected.stepCount, actual: actual.stepCount)
    }

    /// A trace `state` object as a snapshot (spec env-lbf.md §2).
    static func snapshot(_ json: [String: Any]) throws -> LBFSnapshot {
        func records(_ key: String) throws -> [[String: Any]] {
            try TraceJSON.array(json, key).enumerated().map { index, item in
                guard let record = item as? [String: Any] else {
                    throw TraceJSON.MissingField(name: "\(key)[\(index)]")
                }
                if record["id"] != nil, try TraceJSON.int(record, "id") != index {
                    throw LBFTraceError.outOfOrder(entity: key, index: index, id: try TraceJSON.int(record, "id"))
                }
                return record
            }
        }
        func position(_ record: [String: Any], _ key: String) throws -> (Int, Int) {
            let values = try TraceJSON.numbers(record["position"] as Any, name: "\(key).position")
            guard values.count == 2 else { throw TraceJSON.MissingField(name: "\(key).position") }
            return (Int(values[0]), Int(values[1]))
        }
        let agents = try records("agents").map { record in
            let (row, col) = try position(record, "agents")
            return LBFSnapshot.Agent(
                row: row, col: col, level: try TraceJSON.int(record, "level"),
                isLoading: try TraceJSON.bool(record, "loading"))
        }
        let foods = try records("food").map { record in
            let (row, col) = try position(record, "food")
            return LBFSnapshot.Food(
                row: row, col: col, level: try TraceJSON.int(record, "level"),
                isEaten: try TraceJSON.bool(record, "eaten"))
        }
        return LBFSnapshot(agents: agents, foods: foods, stepCount: try TraceJSON.int(json, "step_count"))
    }

    private static func actions(_ transition: [String: Any], agentCount: Int) throws -> [Int32] {
        let values = try TraceJSON.numbers(transition["actions"] as Any, name: "actions")
        guard values.count == agentCount else {
            throw LBFTraceError.badActions(reason: "\(values.count) actions for \(agentCount) agents")
        }
        return try values.map { value in
            guard value == value.rounded(), value >= 0, value <= 5 else {
                throw LBFTraceError.badActions(reason: "action \(value) is not in 0...5")
            }
            return Int32(value)
        }
    }
}

/// A trace line or header that an LBF replay cannot use.
public enum LBFTraceError: Error, CustomStringConvertible, Equatable {
    case headerDisagrees(field: String, header: Int, taskParams: Int)
    case outOfOrder(entity: String, index: Int, id: Int)
    case badActions(reason: String)
    case unsupportedObserver(String)

    public var description: String {
        switch self {
        case .headerDisagrees(let field, let header, let taskParams):
            "trace header says \(field) = \(header) but its task_params give \(taskParams); regenerate the trace."
        case .outOfOrder(let entity, let index, let id):
            "state.\(entity)[\(index)] has id \(id); records must be listed in id order."
        case .badActions(let reason):
            "transition actions: \(reason); each agent needs one action in 0...5."
        case .unsupportedObserver(let observer):
            "task_params.observation is '\(observer)'; only the vector observer ('vector') is implemented."
        }
    }
}
