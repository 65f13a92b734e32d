/// Replays RWARE reference transitions (shared/reference-traces/FORMAT.md) through a 1-copy
/// `RWAREBatch`, so the traces test the real stepping code.
///
/// Per transition: loads `state` into copy 0, checks `obs` and `action_mask` of that state, steps
/// with `actions` (injecting the recorded request draws, spec §5), then compares `reward`,
/// `agent_rewards`, `terminal`, `truncated`, `next_state` (random fields `request_queue` and
/// `is_requested` only for validity), `next_obs` and `next_action_mask` (floats within 1e-5).
public struct RWARETraceReplayer: TraceReplayer {
    public let parameters: RWAREParameters
    private let batch: RWAREBatch

    /// `time_limit` is read from `task_params`, else from the header.
    /// - Throws: `TraceJSON.MissingField` or `RWAREParameterError` for bad `task_params`.
    public init(header: [String: Any]) throws {
        let p = try TraceJSON.dict(header, "task_params")
        let parameters = RWAREParameters(
            shelfRows: try TraceJSON.int(p, "shelf_rows"), shelfColumns: try TraceJSON.int(p, "shelf_columns"),
            columnHeight: try TraceJSON.int(p, "column_height"), agentCount: try TraceJSON.int(p, "num_agents"),
            sensorRange: try TraceJSON.int(p, "sensor_range"),
            requestQueueSize: try TraceJSON.int(p, "request_queue_size"),
            timeLimit: try TraceJSON.int(p["time_limit"] == nil ? header : p, "time_limit"))
        try parameters.validate()
        for (key, derived) in [
            ("grid_height", parameters.gridHeight), ("grid_width", parameters.gridWidth),
            ("num_shelves", parameters.shelfCount),
        ] where p[key] != nil {
            let given = try TraceJSON.int(p, key)
            if given != derived {
                throw RWAREParameterError(
                    parameter: key, value: given, expected: "\(derived) as implied by the other task_params")
            }
        }
        self.parameters = parameters
        batch = RWAREBatch(parameters: parameters, copies: 1)
    }

    public func check(transition: [String: Any]) throws -> TraceMismatch? {
        let n = parameters.agentCount
        let state = try Self.state(try TraceJSON.dict(transition, "state"))
        try batch.load(state, copy: 0)
        if let m = compareView(transition, obsKey: "obs", maskKey: "action_mask") { return m }

        let actions = try TraceJSON.numbers(try TraceJSON.array(transition, "actions"), name: "actions")
            .map { Int32(exactly: $0) ?? -1 }
        guard actions.count == n, actions.allSatisfy({ (0..<5).contains($0) }) else {
            throw RWAREStateError(field: "actions", found: "\(actions)", expected: "\(n) action ids in 0..<5")
        }
        let expected = try Self.state(try TraceJSON.dict(transition, "next_state"))
        let reward = try TraceJSON.double(transition, "reward")
        let agentRewards = try TraceJSON.numbers(try TraceJSON.array(transition, "agent_rewards"), name: "agent_rewards")
        let terminal = try TraceJSON.bool(transition, "terminal")
        let truncated = try TraceJSON.bool(transition, "truncated")

        let recorded = RWARERecordedDraws(
            finalQueue: expected.requestQueue, deliveries: Int(exactly: reward.rounded()) ?? -1)
        let outcome = batch.step(copy: 0, actions: actions, actionOffset: 0, recorded: recorded)
        let actual = batch.state(copy: 0)
        let ourReward = Double(outcome.reward)
        let checks: [() -> TraceMismatch?] = [
            { TraceJSON.compare("reward", expected: [[reward]], actual: [[ourReward]]) },
            { TraceJSON.compare("agent_rewards", expected: [agentRewards], actual: [Array(repeating: ourReward, count: n)]) },
            { TraceJSON.compare("terminal", expected: terminal, actual: outcome.collided) },
            { TraceJSON.compare("truncated", expected: truncated, actual: outcome.truncated) },
            {
                TraceJSON.compare(
                    "next_state.agents.position", expected: expected.agentPositions, actual: actual.agentPositions)
            },
            {
                TraceJSON.compare(
                    "next_state.agents.direction", expected: expected.agentDirections, actual: actual.agentDirections)
            },
            {
                TraceJSON.compare(
                    "next_state.agents.is_carrying", expected: expected.agentCarrying, actual: actual.agentCarrying)
            },
            {
                TraceJSON.compare(
                    "next_state.shelves.position", expected: expected.shelfPositions, actual: actual.shelfPositions)
            },
            { TraceJSON.compare("next_state.step_count", expected: expected.stepCount, actual: actual.stepCount) },
            { Self.drawProblem(before: state.requestQueue, after: expected, name: "next_state (reference)") },
            { Self.drawProblem(before: state.requestQueue, after: actual, name: "next_state (ours)") },
            { self.compareView(transition, obsKey: "next_obs", maskKey: "next_action_mask") },
        ]
        for check in checks {
            if let mismatch = check() { return mismatch }
        }
        return nil
    }

    /// Compares copy 0's observations and masks with the transition's `obsKey` / `maskKey`.
    private func compareView(_ transition: [String: Any], obsKey: String, maskKey: String) -> TraceMismatch? {
        let n = parameters.agentCount
        let d = parameters.observationSize
        var obs = [Float](repeating: 0, count: n * d)
        var mask = [UInt8](repeating: 0, count: n * 5)
        batch.observations(into: &obs)
        batch.legalActions(into: &mask)
        guard let expectedObs = try? TraceJSON.matrix(transition, obsKey) else {
            return TraceMismatch(field: obsKey, expected: "\(n) rows of \(d) numbers", actual: "missing or mistyped")
        }
        guard let expectedMask = try? TraceJSON.matrix(transition, maskKey) else {
            return TraceMismatch(field: maskKey, expected: "\(n) rows of 5 numbers", actual: "missing or mistyped")
        }
        let ourObs = (0..<n).map { i in obs[(i * d)..<((i + 1) * d)].map(Double.init) }
        let ourMask = (0..<n).map { i in mask[(i * 5)..<((i + 1) * 5)].map(Double.init) }
        return TraceJSON.compare(obsKey, expected: expectedObs, actual: ourObs)
            ?? TraceJSON.compare(maskKey, expected: expectedMask, actual: ourMask)
    }

    /// Validity of the random fields (spec §5): distinct queue ids consistent with `is_requested`,
    /// and every newly requested id was not requested before.
    private static func drawProblem(before: [Int], after: RWAREState, name: String) -> TraceMismatch? {
        let field = "\(name).request_queue"
        if let problem = RWAREWorld.queueProblem(after.requestQueue, requested: after.shelfRequested) {
            return TraceMismatch(field: field, expected: problem, actual: "\(after.requestQueue)")
        }
        for (old, new) in zip(before, after.requestQueue) where old != new && before.contains(new) {
            return TraceMismatch(field: field, expected: "new request \(new) not in \(before)", actual: "\(after.requestQueue)")
        }
        return nil
    }

    /// Parses a trace state (spec §2); `key` is ignored.
    static func state(_ json: [String: Any]) throws -> RWAREState {
        let agents = try TraceJSON.dict(json, "agents")
        let shelves = try TraceJSON.dict(json, "shelves")
        func positions(_ object: [String: Any], _ name: String) throws -> [GridCell] {
            try TraceJSON.matrix(object, "position").map { pair in
                guard pair.count == 2 else { throw TraceJSON.MissingField(name: "\(name).position") }
                return GridCell(row: Int(exactly: pair[0]) ?? -1, col: Int(exactly: pair[1]) ?? -1)
            }
        }
        func ints(_ object: [String: Any], _ key: String) throws -> [Int] {
            try TraceJSON.numbers(try TraceJSON.array(object, key), name: key).map { Int(exactly: $0) ?? -1 }
        }
        return RWAREState(
            agentPositions: try positions(agents, "agents"),
            agentDirections: try ints(agents, "direction"),
            agentCarrying: try ints(agents, "is_carrying").map { $0 != 0 },
            shelfPositions: try positions(shelves, "shelves"),
            shelfRequested: try ints(shelves, "is_requested").map { $0 != 0 },
            requestQueue: try ints(json, "request_queue"),
            stepCount: try TraceJSON.int(json, "step_count"))
    }
}
