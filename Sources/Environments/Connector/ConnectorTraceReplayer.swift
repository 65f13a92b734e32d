/// Replays Connector reference transitions (shared FORMAT.md) through a 1-copy `ConnectorBatch`.
///
/// Per transition: load `state` into copy 0, check the loaded `obs` and `action_mask`, step with
/// `actions`, then compare `reward`, `agent_rewards` (floats within 1e-5), `terminal`, `truncated`,
/// `next_state` (grid, step count, agents, stored mask exactly; `key` carried unchanged; fields in
/// `random_fields` only checked for shape), `next_obs` and `next_action_mask`.
public struct ConnectorTraceReplayer: TraceReplayer {
    let batch: ConnectorBatch
    let randomFields: Set<String>

    /// - Throws: `TraceJSON.MissingField` or `ConnectorParameterError` for unusable `task_params`.
    public init(header: [String: Any]) throws {
        let p = try TraceJSON.dict(header, "task_params")
        let gridSize = try TraceJSON.int(p, "grid_size")
        let defaults = ConnectorParameters(gridSize: gridSize, agentCount: try TraceJSON.int(p, "num_agents"))
        var parameters = defaults
        if p["time_limit"] != nil { parameters.timeLimit = try TraceJSON.int(p, "time_limit") }
        if p["temperature"] != nil { parameters.walkTemperature = try TraceJSON.double(p, "temperature") }
        if p["max_steps"] != nil { parameters.walkMaxSteps = try TraceJSON.int(p, "max_steps") }
        if p["connected_reward"] != nil { parameters.connectedReward = Float(try TraceJSON.double(p, "connected_reward")) }
        if p["timestep_reward"] != nil { parameters.timestepReward = Float(try TraceJSON.double(p, "timestep_reward")) }
        if p["fov"] != nil { parameters.fieldOfView = try TraceJSON.int(p, "fov") }
        if let generator = p["generator"] as? String, generator != "RandomWalkGenerator" {
            throw ConnectorParameterError(parameter: "generator", found: "'\(generator)'", expected: "'RandomWalkGenerator'")
        }
        if let observation = p["observation"] as? String, observation != "vector" {
            throw ConnectorParameterError(parameter: "observation", found: "'\(observation)'", expected: "'vector'")
        }
        try parameters.validate()
        batch = ConnectorBatch(parameters: parameters, copies: 1)
        randomFields = Set((header["random_fields"] as? [String]) ?? [])
    }

    public func check(transition: [String: Any]) throws -> TraceMismatch? {
        let stateJSON = try TraceJSON.dict(transition, "state")
        try batch.load(try Self.state(from: stateJSON), copy: 0)
        let n = batch.agentCount
        if let mismatch = try compareView(transition, obsKey: "obs", maskKey: "action_mask") { return mismatch }
        let actions = try Self.integers(try TraceJSON.array(transition, "actions"), name: "actions").map { Int32($0) }
        guard actions.count == n, actions.allSatisfy({ $0 >= 0 && $0 < 5 }) else {
            throw TraceJSON.MissingField(name: "actions (\(n) values in 0...4)")
        }
        var reward: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        batch.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)
        if let m = TraceJSON.compare("reward", expected: [[try TraceJSON.double(transition, "reward")]], actual: [[Double(reward[0])]]) {
            return TraceMismatch(field: "reward", expected: m.expected, actual: m.actual)
        }
        if transition["agent_rewards"] != nil {
            let expected = try TraceJSON.numbers(try TraceJSON.array(transition, "agent_rewards"), name: "agent_rewards")
            let actual = batch.agentRewards(copy: 0).map(Double.init)
            if let m = TraceJSON.compare("agent_rewards", expected: [expected], actual: [actual]) { return m }
        }
        if let m = TraceJSON.compare("terminal", expected: try TraceJSON.bool(transition, "terminal"), actual: terminal[0]) { return m }
        if let m = TraceJSON.compare("truncated", expected: try TraceJSON.bool(transition, "truncated"), actual: truncated[0]) { return m }
        let nextJSON = try TraceJSON.dict(transition, "next_state")
        if let m = try compareState(expected: nextJSON, previous: stateJSON) { return m }
        return try compareView(transition, obsKey: "next_obs", maskKey: "next_action_mask")
    }

    /// Compares the batch's observations and legal mask with the transition's `obsKey`/`maskKey`.
    func compareView(_ transition: [String: Any], obsKey: String, maskKey: String) throws -> TraceMismatch? {
        let n = batch.agentCount
        let size = batch.observationSize
        var obs = [Float](repeating: 0, count: n * size)
        batch.observations(into: &obs)
        let actualObs = (0..<n).map { a in (0..<size).map { Double(obs[a * size + $0]) } }
        if let m = TraceJSON.compare(obsKey, expected: try TraceJSON.matrix(transition, obsKey), actual: actualObs) { return m }
        var mask = [UInt8](repeating: 0, count: n * 5)
        batch.legalActions(into: &mask)
        let actualMask = (0..<n).map { a in (0..<5).map { Double(mask[a * 5 + $0]) } }
        return TraceJSON.compare(maskKey, expected: try TraceJSON.matrix(transition, maskKey), actual: actualMask, tolerance: 0)
    }

    /// Compares the stepped state with `next_state`, skipping equality for `random_fields`.
    func compareState(expected: [String: Any], previous: [String: Any]) throws -> TraceMismatch? {
        let actual = batch.state(copy: 0)
        let want = try Self.state(from: expected)
        func field(_ name: String) -> String { "next_state.\(name)" }
        func isRandom(_ name: String) -> Bool { randomFields.contains("state.\(name)") || randomFields.contains("next_state.\(name)") }
        if !isRandom("grid"), let m = TraceJSON.compare(field("grid"), expected: want.grid.map { $0.map(Double.init) },
            actual: actual.grid.map { $0.map(Double.init) }, tolerance: 0) { return m }
        if !isRandom("step_count"), let m = TraceJSON.compare(field("step_count"), expected: want.stepCount, actual: actual.stepCount) { return m }
        for k in 0..<batch.agentCount {
            for (name, e, a) in [("start", want.starts[k], actual.starts[k]), ("target", want.targets[k], actual.targets[k]),
                                 ("position", want.positions[k], actual.positions[k])] where !isRandom("agents") && e != a {
                return TraceMismatch(field: field("agents[\(k)].\(name)"), expected: "[\(e.row), \(e.col)]", actual: "[\(a.row), \(a.col)]")
            }
        }
        if !isRandom("action_mask"), let m = TraceJSON.compare(field("action_mask"), expected: (want.actionMask ?? []).map { $0.map(Double.init) },
            actual: (actual.actionMask ?? []).map { $0.map(Double.init) }, tolerance: 0) { return m }
        if let keyBefore = previous["key"], let keyAfter = expected["key"] {
            let before = try TraceJSON.numbers(keyBefore, name: "state.key")
            let after = try TraceJSON.numbers(keyAfter, name: "next_state.key")
            if !isRandom("key"), before != after {
                return TraceMismatch(field: field("key"), expected: "\(after)", actual: "\(before) (step carries the key unchanged)")
            }
        }
        return nil
    }

    /// Parses a trace `state` object (spec §2 schema) into a `ConnectorState`.
    static func state(from json: [String: Any]) throws -> ConnectorState {
        let grid = try TraceJSON.array(json, "grid").map { try integers($0, name: "grid") }
        let agents = try TraceJSON.array(json, "agents")
        var starts: [GridCell] = []
        var targets: [GridCell] = []
        var positions: [GridCell] = []
        for (k, item) in agents.enumerated() {
            guard let agent = item as? [String: Any] else { throw TraceJSON.MissingField(name: "agents[\(k)]") }
            guard try TraceJSON.int(agent, "id") == k else { throw TraceJSON.MissingField(name: "agents[\(k)].id (= \(k))") }
            func cell(_ key: String) throws -> GridCell {
                let v = try integers(try TraceJSON.array(agent, key), name: "agents[\(k)].\(key)")
                guard v.count == 2 else { throw TraceJSON.MissingField(name: "agents[\(k)].\(key) ([row, col])") }
                return GridCell(row: v[0], col: v[1])
            }
            starts.append(try cell("start"))
            targets.append(try cell("target"))
            positions.append(try cell("position"))
        }
        let mask = try TraceJSON.array(json, "action_mask").map { try integers($0, name: "action_mask") }
        return ConnectorState(
            grid: grid, stepCount: try TraceJSON.int(json, "step_count"), starts: starts, targets: targets,
            positions: positions, actionMask: mask)
    }

    /// A list of whole numbers of modest size (grid values, cells, actions, mask bits).
    static func integers(_ value: Any, name: String) throws -> [Int] {
        try TraceJSON.numbers(value, name: name).map { number in
            guard number == number.rounded(), abs(number) < 1e9 else { throw TraceJSON.MissingField(name: "\(name) (whole numbers)") }
            return Int(number)
        }
    }
}
