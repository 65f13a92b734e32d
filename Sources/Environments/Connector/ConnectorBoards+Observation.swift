extension ConnectorBoards {
    /// Writes agent `agent`'s observation of copy `copy` at `buffer[start ..< start + obsSize]` (§8).
    ///
    /// Vector: `hr/G², hc/G²` (own head), `tr/G², tc/G²` (own target; (0, 0) once connected), then the
    /// blockers layer (+1 any head, -1 any path) and the targets layer (+1 own target, -1 other
    /// targets) in the (2f+1)² window centred on the head, row-major; cells outside the grid read +1
    /// in both layers. Relabelling the grid from the agent's perspective keeps every value's class
    /// (`v % 3`), so only "own target" needs the owner.
    func writeObservation(copy: Int, agent: Int, into buffer: inout [Float], at start: Int) {
        let a = copy * agents + agent
        let offset = copy * cells
        let head = Int(positions[a])
        let target = Int(targets[a])
        let ownTarget = Int32(3 * agent + 3)
        let cellCount = Float(cells)
        let headRow = head / side
        let headCol = head % side
        buffer[start] = Float(headRow) / cellCount
        buffer[start + 1] = Float(headCol) / cellCount
        let targetShown = grid[offset + target] == ownTarget
        buffer[start + 2] = targetShown ? Float(target / side) / cellCount : 0
        buffer[start + 3] = targetShown ? Float(target % side) / cellCount : 0
        let fov = parameters.fieldOfView
        let window = parameters.windowSide
        var blockers = start + 4
        let layer = window * window
        for row in (headRow - fov)...(headRow + fov) {
            for col in (headCol - fov)...(headCol + fov) {
                if row < 0 || row >= side || col < 0 || col >= side {
                    buffer[blockers] = 1
                    buffer[blockers + layer] = 1
                } else {
                    let value = grid[offset + row * side + col]
                    let kind = value % 3
                    buffer[blockers] = value == 0 ? 0 : kind == 2 ? 1 : kind == 1 ? -1 : 0
                    buffer[blockers + layer] = value == 0 || kind != 0 ? 0 : value == ownTarget ? 1 : -1
                }
                blockers += 1
            }
        }
    }
}
