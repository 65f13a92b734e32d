/// One copy's full state in the reference's schema (spec env-connector.md §2), for loading
/// hand-built or traced states and for inspecting a batch.
///
/// Shapes: `grid` G rows of G values (0 empty, `3k+1` path, `3k+2` head, `3k+3` target of agent k);
/// `starts`, `targets`, `positions` N cells in id order; `actionMask` N rows of 5 (0/1) or nil.
public struct ConnectorState: Sendable, Equatable {
    public var grid: [[Int]]
    public var stepCount: Int
    public var starts: [GridCell]
    public var targets: [GridCell]
    public var positions: [GridCell]
    /// The stored mask the next step reads (§5); nil when loading means "derive it from the grid".
    public var actionMask: [[Int]]?

    public init(
        grid: [[Int]], stepCount: Int, starts: [GridCell], targets: [GridCell],
        positions: [GridCell], actionMask: [[Int]]? = nil
    ) {
        self.grid = grid
        self.stepCount = stepCount
        self.starts = starts
        self.targets = targets
        self.positions = positions
        self.actionMask = actionMask
    }
}

/// A state that does not fit the task it is loaded into.
public struct ConnectorStateError: Error, CustomStringConvertible, Equatable {
    public let field: String
    public let found: String
    public let expected: String
    public var description: String {
        "Connector state field '\(field)' is \(found), expected \(expected); check the state against spec env-connector.md §2."
    }
}

extension ConnectorBoards {
    /// Loads `state` into copy `copy` after checking its shapes, values and heads.
    /// - Throws: `ConnectorStateError` naming the first field that does not fit.
    mutating func load(_ state: ConnectorState, copy: Int) throws {
        func check(_ ok: Bool, _ field: String, _ found: @autoclosure () -> String, _ expected: String) throws {
            if !ok { throw ConnectorStateError(field: field, found: found(), expected: expected) }
        }
        let maxValue = 3 * agents
        try check(state.grid.count == side, "grid", "\(state.grid.count) rows", "\(side)")
        for (r, row) in state.grid.enumerated() {
            try check(row.count == side, "grid[\(r)]", "\(row.count) values", "\(side)")
            for (c, value) in row.enumerated() {
                try check(value >= 0 && value <= maxValue, "grid[\(r)][\(c)]", "\(value)", "0...\(maxValue)")
            }
        }
        try check(state.stepCount >= 0, "step_count", "\(state.stepCount)", "0 or more")
        for (name, list) in [("start", state.starts), ("target", state.targets), ("position", state.positions)] {
            try check(list.count == agents, "agents.\(name)", "\(list.count) agents", "\(agents)")
            for (k, cell) in list.enumerated() {
                let inside = cell.row >= 0 && cell.row < side && cell.col >= 0 && cell.col < side
                try check(inside, "agents[\(k)].\(name)", "[\(cell.row), \(cell.col)]", "a cell inside the \(side)x\(side) grid")
            }
        }
        for (k, cell) in state.positions.enumerated() {
            let value = state.grid[cell.row][cell.col]
            try check(value == 3 * k + 2, "grid[\(cell.row)][\(cell.col)]", "\(value)", "\(3 * k + 2) (head of agent \(k) at its position)")
        }
        if let mask = state.actionMask {
            try check(mask.count == agents, "action_mask", "\(mask.count) rows", "\(agents)")
            for (k, row) in mask.enumerated() {
                try check(row.count == Self.actionCount && row.allSatisfy { $0 == 0 || $0 == 1 },
                    "action_mask[\(k)]", "\(row)", "5 values, each 0 or 1")
            }
        }
        let first = copy * agents
        for r in 0..<side {
            for c in 0..<side { grid[copy * cells + r * side + c] = Int32(state.grid[r][c]) }
        }
        for k in 0..<agents {
            starts[first + k] = Int32(state.starts[k].row * side + state.starts[k].col)
            targets[first + k] = Int32(state.targets[k].row * side + state.targets[k].col)
            positions[first + k] = Int32(state.positions[k].row * side + state.positions[k].col)
            agentRewards[first + k] = 0
        }
        stepCounts[copy] = Int32(state.stepCount)
        for k in 0..<agents {
            if let mask = state.actionMask {
                for action in 0..<Self.actionCount {
                    masks[(first + k) * Self.actionCount + action] = UInt8(mask[k][action])
                }
            } else {
                updateMask(copy: copy, agent: k)
            }
        }
    }

    /// The full state of copy `copy`, stored mask included.
    func state(copy: Int) -> ConnectorState {
        let first = copy * agents
        func cell(_ flat: Int32) -> GridCell { GridCell(row: Int(flat) / side, col: Int(flat) % side) }
        return ConnectorState(
            grid: (0..<side).map { r in (0..<side).map { c in Int(grid[copy * cells + r * side + c]) } },
            stepCount: Int(stepCounts[copy]),
            starts: (0..<agents).map { cell(starts[first + $0]) },
            targets: (0..<agents).map { cell(targets[first + $0]) },
            positions: (0..<agents).map { cell(positions[first + $0]) },
            actionMask: (0..<agents).map { k in
                (0..<Self.actionCount).map { Int(masks[(first + k) * Self.actionCount + $0]) }
            })
    }
}
