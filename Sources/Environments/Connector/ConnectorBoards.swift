/// The state of every copy of one Connector task, struct-of-arrays (spec env-connector.md §2).
///
/// Cells are flat row-major indices `row·G + col`. Grid values: 0 empty, `3k+1` path of agent k,
/// `3k+2` head of k, `3k+3` target of k. Agent k is connected iff its position equals its target.
/// Shapes: `grid (copies, G·G)`, `starts/targets/positions (copies, N)`, `masks (copies, N, 5)`,
/// `stepCounts (copies)`, `agentRewards (copies, N)` (rewards of each copy's last step).
struct ConnectorBoards {
    static let actionCount = 5
    /// Action ids (§4): 0 NOOP, 1 UP, 2 RIGHT, 3 DOWN, 4 LEFT.
    static let rowStep: [Int] = [0, -1, 0, 1, 0]
    static let colStep: [Int] = [0, 0, 1, 0, -1]

    let parameters: ConnectorParameters
    let copies: Int
    let agents: Int
    let side: Int
    let cells: Int

    var grid: [Int32]
    var starts: [Int32]
    var targets: [Int32]
    var positions: [Int32]
    var masks: [UInt8]
    var stepCounts: [Int32]
    var agentRewards: [Float]
    /// Per-step scratch (one copy at a time): proposed cells and connected-before flags.
    var proposed: [Int32]
    var wasConnected: [Bool]
    /// Scratch of the heuristic's breadth-first search: visit stamps, first moves, queue.
    var visitStamp: [Int32]
    var firstMove: [UInt8]
    var queue: [Int32]
    var stamp: Int32 = 0
    /// Observation layers per grid value 0...3N (see `writeObservation`).
    let blockerLayerValue: [Float]
    let targetLayerValue: [Float]

    init(parameters: ConnectorParameters, copies: Int) {
        precondition(copies >= 1, "ConnectorBoards needs at least one copy, got \(copies)")
        self.parameters = parameters
        self.copies = copies
        agents = parameters.agentCount
        side = parameters.gridSize
        cells = side * side
        grid = [Int32](repeating: 0, count: copies * cells)
        starts = [Int32](repeating: 0, count: copies * agents)
        targets = starts
        positions = starts
        masks = [UInt8](repeating: 0, count: copies * agents * Self.actionCount)
        stepCounts = [Int32](repeating: 0, count: copies)
        agentRewards = [Float](repeating: 0, count: copies * agents)
        proposed = [Int32](repeating: 0, count: agents)
        wasConnected = [Bool](repeating: false, count: agents)
        visitStamp = [Int32](repeating: 0, count: cells)
        firstMove = [UInt8](repeating: 0, count: cells)
        queue = [Int32](repeating: 0, count: cells)
        blockerLayerValue = Self.blockerLayerValues(agents: agents)
        targetLayerValue = Self.targetLayerValues(agents: agents)
    }

    /// Whether agent `agent` of copy `copy` stands on its target.
    func isConnected(copy: Int, agent: Int) -> Bool {
        let a = copy * agents + agent
        return positions[a] == targets[a]
    }

    /// The cell one move `action` away from `cell`, or nil outside the grid.
    func neighbour(of cell: Int, action: Int) -> Int? {
        let row = cell / side + Self.rowStep[action]
        let col = cell % side + Self.colStep[action]
        return row >= 0 && row < side && col >= 0 && col < side ? row * side + col : nil
    }

    /// Recomputes the stored mask of one agent from the grid (§5): NOOP always; a move iff the agent
    /// is not connected and the destination is in the grid and empty or the agent's own target.
    mutating func updateMask(copy: Int, agent: Int) {
        let base = (copy * agents + agent) * Self.actionCount
        masks[base] = 1
        let connected = isConnected(copy: copy, agent: agent)
        let cell = Int(positions[copy * agents + agent])
        let ownTarget = Int32(3 * agent + 3)
        let offset = copy * cells
        for action in 1..<Self.actionCount {
            var legal = false
            if !connected, let next = neighbour(of: cell, action: action) {
                let value = grid[offset + next]
                legal = value == 0 || value == ownTarget
            }
            masks[base + action] = legal ? 1 : 0
        }
    }

    /// Whether agent `agent` has a legal move (1..4) in its stored mask.
    func hasLegalMove(copy: Int, agent: Int) -> Bool {
        let base = (copy * agents + agent) * Self.actionCount
        return masks[base + 1] | masks[base + 2] | masks[base + 3] | masks[base + 4] != 0
    }

    /// One environment step of copy `copy` (§6), reading actions at `actions[copy·N ..< copy·N + N]`.
    ///
    /// Legalise with the stored mask; a lower-id agent whose proposed cell a higher-id agent also
    /// proposes stays; movers leave path and take head; step count, masks, rewards
    /// (-0.03 while unconnected before the step, +1 on connecting), then the end flags.
    /// - Returns: team reward Σ_k r_k, terminal (every agent connected or without a move) and
    ///   truncated (not terminal and step count ≥ time limit).
    mutating func step(copy: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool) {
        let first = copy * agents
        let offset = copy * cells
        for k in 0..<agents {
            var action = Int(actions[first + k])
            precondition(action >= 0 && action < Self.actionCount, "Connector action \(action) of agent \(k) is not in 0..<5")
            if masks[(first + k) * Self.actionCount + action] == 0 { action = 0 }
            let cell = Int(positions[first + k])
            proposed[k] = Int32(action == 0 ? cell : cell + Self.rowStep[action] * side + Self.colStep[action])
            wasConnected[k] = positions[first + k] == targets[first + k]
        }
        for k in 0..<agents where proposed[k] != positions[first + k] {
            var collided = false
            for j in (k + 1)..<agents where proposed[j] == proposed[k] {
                collided = true
                break
            }
            if collided { continue }
            grid[offset + Int(positions[first + k])] = Int32(3 * k + 1)
            grid[offset + Int(proposed[k])] = Int32(3 * k + 2)
            positions[first + k] = proposed[k]
        }
        stepCounts[copy] += 1
        var team: Float = 0
        var allDone = true
        for k in 0..<agents {
            updateMask(copy: copy, agent: k)
            let connected = isConnected(copy: copy, agent: k)
            var reward: Float = 0
            if !wasConnected[k] {
                reward = parameters.timestepReward
                if connected { reward += parameters.connectedReward }
            }
            agentRewards[first + k] = reward
            team += reward
            if !connected && hasLegalMove(copy: copy, agent: k) { allDone = false }
        }
        let truncated = !allDone && Int(stepCounts[copy]) >= parameters.timeLimit
        return (team, allDone, truncated)
    }
}
