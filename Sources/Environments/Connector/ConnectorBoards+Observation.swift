extension ConnectorBoards {
    /// Every copy's observations, shape (copies, N, observationSize).
    func writeObservations(into buffer: inout [Float]) {
        let size = parameters.observationSize
        for copy in 0..<copies {
            for agent in 0..<agents {
                writeObservation(copy: copy, agent: agent, into: &buffer, at: (copy * agents + agent) * size)
            }
        }
    }

    /// Writes agent `agent`'s observation of copy `copy` at `buffer[start ..< start + obsSize]` (§8).
    ///
    /// Vector: `hr/G², hc/G²` (own head), `tr/G², tc/G²` (own target; (0, 0) once connected), then the
    /// blockers layer (+1 any head, -1 any path) and the targets layer (+1 own target, -1 other
    /// targets) in the (2f+1)² window centred on the head, row-major; cells outside the grid read +1
    /// in both layers. Relabelling the grid from the agent's perspective keeps every value's class
    /// (`v % 3`), so only "own target" needs the owner: the layers come from per-value tables.
    func writeObservation(copy: Int, agent: Int, into buffer: inout [Float], at start: Int) {
        let a = copy * agents + agent
        let offset = copy * cells
        let head = Int(positions[a])
        let target = Int(targets[a])
        let ownTarget = Int(3 * agent + 3)
        let cellCount = Float(cells)
        let headRow = head / side
        let headCol = head % side
        buffer[start] = Float(headRow) / cellCount
        buffer[start + 1] = Float(headCol) / cellCount
        let targetShown = Int(grid[offset + target]) == ownTarget
        buffer[start + 2] = targetShown ? Float(target / side) / cellCount : 0
        buffer[start + 3] = targetShown ? Float(target % side) / cellCount : 0
        let fov = parameters.fieldOfView
        let layer = parameters.windowSide * parameters.windowSide
        let firstCol = headCol - fov
        let inLo = max(0, firstCol)
        let inHi = min(side - 1, headCol + fov)
        var out = start + 4
        for row in (headRow - fov)...(headRow + fov) {
            if row < 0 || row >= side {
                for i in out..<(out + 2 * fov + 1) {
                    buffer[i] = 1
                    buffer[i + layer] = 1
                }
                out += 2 * fov + 1
                continue
            }
            for col in firstCol...(headCol + fov) {
                if col < inLo || col > inHi {
                    buffer[out] = 1
                    buffer[out + layer] = 1
                } else {
                    let value = Int(grid[offset + row * side + col])
                    buffer[out] = blockerLayerValue[value]
                    buffer[out + layer] = value == ownTarget ? 1 : targetLayerValue[value]
                }
                out += 1
            }
        }
    }

    /// Per grid value v: the blockers layer's entry (+1 head, -1 path, 0 otherwise).
    static func blockerLayerValues(agents: Int) -> [Float] {
        (0...(3 * agents)).map { v in v == 0 ? 0 : v % 3 == 2 ? 1 : v % 3 == 1 ? -1 : 0 }
    }

    /// Per grid value v: the targets layer's entry for a cell that is not the observer's own target.
    static func targetLayerValues(agents: Int) -> [Float] {
        (0...(3 * agents)).map { v in v != 0 && v % 3 == 0 ? -1 : 0 }
    }
}
