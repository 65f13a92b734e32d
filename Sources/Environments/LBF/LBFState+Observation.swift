extension LBFState {
    /// Writes copy `copy`'s observations into `buffer[copy·N·D ..< (copy+1)·N·D]`, D = 3·(F + N)
    /// (spec env-lbf.md §8).
    ///
    /// Agent i at (r0, c0) writes triples (row, col, level): F foods in id order, itself, then the
    /// other agents in id order. An entity at (r, c) is written as (r − r0 + min(fov, r0),
    /// c − c0 + min(fov, c0), level) when |r − r0| ≤ fov and |c − c0| ≤ fov (and, for food, uneaten),
    /// else as (−1, −1, 0).
    func writeObservations(copy: Int, into buffer: inout [Float]) {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        let fov = parameters.fieldOfView
        let size = parameters.observationSize
        let base = copy * n
        let foodBase = copy * nf
        for i in 0..<n {
            let r0 = agentRow[base + i]
            let c0 = agentCol[base + i]
            let originRow = min(fov, r0)
            let originCol = min(fov, c0)
            var out = (base + i) * size
            func write(_ row: Int, _ col: Int, _ level: Int, visible: Bool) {
                if visible && abs(row - r0) <= fov && abs(col - c0) <= fov {
                    buffer[out] = Float(row - r0 + originRow)
                    buffer[out + 1] = Float(col - c0 + originCol)
                    buffer[out + 2] = Float(level)
                } else {
                    buffer[out] = -1
                    buffer[out + 1] = -1
                    buffer[out + 2] = 0
                }
                out += 3
            }
            for f in 0..<nf {
                let k = foodBase + f
                write(foodRow[k], foodCol[k], foodLevel[k], visible: !foodEaten[k])
            }
            write(r0, c0, agentLevel[base + i], visible: true)
            for j in 0..<n where j != i {
                write(agentRow[base + j], agentCol[base + j], agentLevel[base + j], visible: true)
            }
        }
    }

    /// Writes copy `copy`'s legal-action masks into `buffer[copy·N·6 ..< (copy+1)·N·6]` (spec §5).
    ///
    /// A move (NOOP included) is legal when its target cell is inside the grid, holds no other agent
    /// and no uneaten food; LOAD is legal when an uneaten food is 4-adjacent. One pass over the other
    /// agents and the foods per agent; `isLegal` states the same rule action by action.
    func writeLegalActions(copy: Int, into buffer: inout [UInt8]) {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        let g = parameters.gridSize
        let base = copy * n
        let foodBase = copy * nf
        for i in 0..<n {
            let row = agentRow[base + i]
            let col = agentCol[base + i]
            var up = row > 0
            var down = row < g - 1
            var left = col > 0
            var right = col < g - 1
            var load = false
            func block(_ r: Int, _ c: Int) {
                if c == col {
                    if r == row - 1 { up = false } else if r == row + 1 { down = false }
                } else if r == row {
                    if c == col - 1 { left = false } else if c == col + 1 { right = false }
                }
            }
            for j in 0..<n where j != i { block(agentRow[base + j], agentCol[base + j]) }
            for f in 0..<nf where !foodEaten[foodBase + f] {
                let r = foodRow[foodBase + f]
                let c = foodCol[foodBase + f]
                block(r, c)
                if abs(r - row) + abs(c - col) == 1 { load = true }
            }
            let out = (base + i) * LBFAction.allCases.count
            buffer[out] = 1
            buffer[out + 1] = up ? 1 : 0
            buffer[out + 2] = down ? 1 : 0
            buffer[out + 3] = left ? 1 : 0
            buffer[out + 4] = right ? 1 : 0
            buffer[out + 5] = load ? 1 : 0
        }
    }

    /// Legality of `action` for agent `agent` of copy `copy` in the current state (spec §5).
    func isLegal(_ action: LBFAction, agent: Int, copy: Int) -> Bool {
        let slot = copy * parameters.agentCount + agent
        let row = agentRow[slot]
        let col = agentCol[slot]
        if action == .load {
            let foodBase = copy * parameters.foodCount
            for f in 0..<parameters.foodCount where !foodEaten[foodBase + f] {
                if isAdjacent(agent: slot, foodRow[foodBase + f], foodCol[foodBase + f]) { return true }
            }
            return false
        }
        let toRow = row + action.rowStep
        let toCol = col + action.colStep
        return isInside(toRow, toCol) && !isOtherAgent(at: toRow, toCol, copy: copy, besides: agent)
            && !isUneatenFood(at: toRow, toCol, copy: copy)
    }
}

extension LBFState {
    /// Every copy's observations, layout (copies, N, 3·(F + N)).
    func writeObservations(into buffer: inout [Float]) {
        for copy in 0..<copyCount { writeObservations(copy: copy, into: &buffer) }
    }

    /// Every copy's legal-action masks, layout (copies, N, 6).
    func writeLegalActions(into buffer: inout [UInt8]) {
        for copy in 0..<copyCount { writeLegalActions(copy: copy, into: &buffer) }
    }
}
