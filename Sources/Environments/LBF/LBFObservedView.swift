/// Something an agent sees: its offset from the agent (rows down, columns right) and its level.
struct LBFSighting: Equatable {
    var row: Int
    var col: Int
    var level: Int
}

/// One agent's observation row decoded (spec env-lbf.md §8), every entity as an offset from the
/// agent. Offsets are exact even where the view window is clipped at the top or left border,
/// because the agent's own triple is written in the same window coordinates.
struct LBFObservedView {
    /// The agent's own row in its view window: its absolute row when that is below the view
    /// radius, else the radius itself (so only "at least the radius" is known).
    var viewRow = 0
    /// The agent's own column in its view window (same rule as `viewRow`).
    var viewCol = 0
    /// The agent's own level.
    var level = 0
    /// Per food id: the food when it is uneaten and within sight, else nil.
    var foods: [LBFSighting?]
    /// Per other agent (in id order, the agent itself left out): the agent when within sight, else nil.
    var agents: [LBFSighting?]

    init(foodCount: Int, agentCount: Int) {
        foods = Array(repeating: nil, count: foodCount)
        agents = Array(repeating: nil, count: agentCount - 1)
    }

    /// Reads the row of `3·(F + N)` floats that starts at `start`: F food triples, the
    /// agent's own triple, the other agents' triples; an invisible entity is `(-1, -1, 0)`.
    mutating func decode(_ observations: [Float], from start: Int) {
        let foodCount = foods.count
        func triple(_ k: Int) -> (row: Int, col: Int, level: Int) {
            let o = start + 3 * k
            return (Int(observations[o]), Int(observations[o + 1]), Int(observations[o + 2]))
        }
        let own = triple(foodCount)
        viewRow = own.row
        viewCol = own.col
        level = own.level
        for f in 0..<foodCount {
            let t = triple(f)
            foods[f] = t.level > 0 ? LBFSighting(row: t.row - viewRow, col: t.col - viewCol, level: t.level) : nil
        }
        for k in agents.indices {
            let t = triple(foodCount + 1 + k)
            agents[k] = t.level > 0 ? LBFSighting(row: t.row - viewRow, col: t.col - viewCol, level: t.level) : nil
        }
    }

    /// Whether a visible food or agent stands at offset (row, col).
    func seesEntity(at row: Int, _ col: Int) -> Bool {
        agents.contains { $0?.row == row && $0?.col == col }
            || foods.contains { $0?.row == row && $0?.col == col }
    }
}
