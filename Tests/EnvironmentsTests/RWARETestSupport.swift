import Environments

/// Hand-built RWARE situations on the tiny layout (11×10; slots are rows 1–8 of columns 1, 2, 7, 8,
/// shelf ids row-major, so shelf 0 starts at (1,1), shelf 1 at (1,2), shelf 2 at (1,7); goals
/// (10,4) and (10,5)).
struct RWAREScene {
    let batch: RWAREBatch
    var state: RWAREState

    /// Agents at `positions` facing `directions`, nobody carrying, shelves on their slots,
    /// `requested` shelves in the queue (Q = its count).
    init(agents positions: [(Int, Int)], facing directions: [Int], requested: [Int] = [30], timeLimit: Int = 500) {
        let parameters = RWAREParameters(
            shelfRows: 1, shelfColumns: 3, agentCount: positions.count, requestQueueSize: requested.count,
            timeLimit: timeLimit)
        batch = RWAREBatch(parameters: parameters, copies: 1)
        batch.reset(copy: 0, seed: 1)
        state = batch.state(copy: 0)
        state.agentPositions = positions.map { GridCell(row: $0.0, col: $0.1) }
        state.agentDirections = directions
        state.agentCarrying = Array(repeating: false, count: positions.count)
        state.requestQueue = requested
        state.shelfRequested = (0..<state.shelfPositions.count).map { requested.contains($0) }
    }

    /// Agent `agent` carries `shelf`, which moves to the agent's cell.
    mutating func carry(agent: Int, shelf: Int) {
        state.agentCarrying[agent] = true
        state.shelfPositions[shelf] = state.agentPositions[agent]
    }

    /// Loads the scene and steps it once with `actions`.
    func step(_ actions: [Int32]) throws -> (reward: Float, terminal: Bool, truncated: Bool, next: RWAREState) {
        try batch.load(state, copy: 0)
        var rewards: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
        return (rewards[0], terminal[0], truncated[0], batch.state(copy: 0))
    }

    /// Observations `(N, D)` and masks `(N, 5)` of the batch as it is now.
    func view() -> (obs: [[Float]], mask: [[UInt8]]) {
        let n = batch.agentCount
        let d = batch.observationSize
        var obs = [Float](repeating: 0, count: n * d)
        var mask = [UInt8](repeating: 0, count: n * 5)
        batch.observations(into: &obs)
        batch.legalActions(into: &mask)
        return ((0..<n).map { Array(obs[($0 * d)..<(($0 + 1) * d)]) }, (0..<n).map { Array(mask[($0 * 5)..<(($0 + 1) * 5)]) })
    }
}

/// Action ids (spec §3) and directions (§2), spelled out for the tests.
enum Act {
    static let noop: Int32 = 0, forward: Int32 = 1, left: Int32 = 2, right: Int32 = 3, toggle: Int32 = 4
}
enum Dir {
    static let up = 0, right = 1, down = 2, left = 3
}

func at(_ row: Int, _ col: Int) -> GridCell { GridCell(row: row, col: col) }
