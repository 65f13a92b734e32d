extension RWAREWorld {
    /// The state of copy `c` in the trace schema (spec §2).
    func state(copy c: Int) -> RWAREState {
        let w = layout.width
        let agents = (c * agentCount)..<((c + 1) * agentCount)
        let shelves = (c * shelfCount)..<((c + 1) * shelfCount)
        return RWAREState(
            agentPositions: agents.map { GridCell(row: agentRow[$0], col: agentCol[$0]) },
            agentDirections: Array(agentDirection[agents]),
            agentCarrying: Array(agentCarrying[agents]),
            shelfPositions: shelves.map { GridCell(row: shelfCell[$0] / w, col: shelfCell[$0] % w) },
            shelfRequested: Array(shelfRequested[shelves]),
            requestQueue: Array(requestQueue[(c * queueSize)..<((c + 1) * queueSize)]),
            stepCount: stepCount[c])
    }

    /// Puts `state` into copy `c` and rebuilds its grid channels from the positions (spec §1: at the
    /// start of a step the grid is what the positions imply). The copy's generator is kept.
    /// - Throws: `RWAREStateError` for wrong counts, cells outside the grid, directions outside 0...3,
    ///   two agents or two shelves in one cell, or a queue inconsistent with `shelfRequested`.
    mutating func load(_ state: RWAREState, copy c: Int) throws {
        try validate(state)
        let w = layout.width
        let g0 = c * cellCount
        for k in 0..<cellCount {
            agentGrid[g0 + k] = 0
            shelfGrid[g0 + k] = 0
        }
        /// Writes id + 1 into `p`'s cell of `channel` and returns the cell; throws if another
        /// `entity` (named `field` in the trace schema) already holds it.
        func place(_ id: Int, at p: GridCell, in channel: inout [Int32], field: String, entity: String) throws -> Int {
            let cell = p.row * w + p.col
            guard channel[g0 + cell] == 0 else {
                throw RWAREStateError(
                    field: "\(field)[\(id)]", found: "\(p), shared with \(entity) \(channel[g0 + cell] - 1)",
                    expected: "one \(entity) per cell")
            }
            channel[g0 + cell] = Int32(id + 1)
            return cell
        }
        for (s, p) in state.shelfPositions.enumerated() {
            shelfCell[c * shelfCount + s] = try place(s, at: p, in: &shelfGrid, field: "shelves.position", entity: "shelf")
            shelfRequested[c * shelfCount + s] = state.shelfRequested[s]
        }
        for (i, p) in state.agentPositions.enumerated() {
            _ = try place(i, at: p, in: &agentGrid, field: "agents.position", entity: "agent")
            let a = c * agentCount + i
            agentRow[a] = p.row
            agentCol[a] = p.col
            agentDirection[a] = state.agentDirections[i]
            agentCarrying[a] = state.agentCarrying[i]
        }
        for j in 0..<queueSize { requestQueue[c * queueSize + j] = state.requestQueue[j] }
        stepCount[c] = state.stepCount
        updateForwardLegality(copy: c)
    }

    private func validate(_ state: RWAREState) throws {
        func count(_ field: String, _ found: Int, _ expected: Int) throws {
            if found != expected { throw RWAREStateError(field: field, found: "\(found) entries", expected: "\(expected)") }
        }
        try count("agents.position", state.agentPositions.count, agentCount)
        try count("agents.direction", state.agentDirections.count, agentCount)
        try count("agents.is_carrying", state.agentCarrying.count, agentCount)
        try count("shelves.position", state.shelfPositions.count, shelfCount)
        try count("shelves.is_requested", state.shelfRequested.count, shelfCount)
        try count("request_queue", state.requestQueue.count, queueSize)
        let inside = "a cell of the \(layout.height)×\(layout.width) grid"
        for (i, p) in state.agentPositions.enumerated() where !contains(p) {
            throw RWAREStateError(field: "agents.position[\(i)]", found: "\(p)", expected: inside)
        }
        for (s, p) in state.shelfPositions.enumerated() where !contains(p) {
            throw RWAREStateError(field: "shelves.position[\(s)]", found: "\(p)", expected: inside)
        }
        for (i, d) in state.agentDirections.enumerated() where !(0...3).contains(d) {
            throw RWAREStateError(field: "agents.direction[\(i)]", found: "\(d)", expected: "0...3")
        }
        if state.stepCount < 0 {
            throw RWAREStateError(field: "step_count", found: "\(state.stepCount)", expected: "at least 0")
        }
        if let problem = Self.queueProblem(state.requestQueue, requested: state.shelfRequested) {
            throw RWAREStateError(field: "request_queue", found: "\(state.requestQueue)", expected: problem)
        }
    }

    private func contains(_ p: GridCell) -> Bool {
        p.row >= 0 && p.row < layout.height && p.col >= 0 && p.col < layout.width
    }

    /// Why `queue` is not a valid request queue for `requested` (distinct shelf ids, exactly the
    /// requested ones), or nil when it is.
    static func queueProblem(_ queue: [Int], requested: [Bool]) -> String? {
        var seen = [Bool](repeating: false, count: requested.count)
        for id in queue {
            guard id >= 0 && id < requested.count else { return "shelf ids in 0..<\(requested.count)" }
            guard !seen[id] else { return "distinct shelf ids" }
            seen[id] = true
        }
        return seen == requested ? nil : "exactly the shelves with is_requested = 1"
    }
}
