/// One Connector agent's move, planned inside its own observation window (the rule is described on
/// `ConnectorObservedPolicy`). It reads one observation row (spec env-connector.md §8) and that
/// agent's legal mask, and the fixed grid size; nothing else.
///
/// Window cell (a, b), a, b = 0..<side, is grid cell (hr − f + a, hc − f + b); the head is the
/// centre (f, f). Buffers are sized once and refilled for every agent.
struct ConnectorWindowPlanner {
    /// A detour this many steps long is worth taking to avoid walling in another agent's target or head.
    static let sealCost = 2

    let gridSize: Int
    let fieldOfView: Int
    let side: Int
    /// Row and column offsets of actions 0..4 (NOOP, UP, RIGHT, DOWN, LEFT; spec §4).
    private static let moves = [(0, 0), (-1, 0), (0, 1), (1, 0), (0, -1)]

    private var head = (row: 0, col: 0)
    private var target = (row: 0, col: 0)
    /// Per window cell: the agent may enter it (blockers 0 and not another agent's target).
    private var passable: [Bool]
    /// Per window cell: an in-grid head (blockers +1), the agent's own included.
    private var isHead: [Bool]
    /// Per window cell: another agent's unconnected target (targets −1).
    private var isOtherTarget: [Bool]
    /// Per window cell: steps from the head inside the window (−1 unreached), and the first move.
    private var distance: [Int]
    private var firstMove: [Int]
    private var queue: [Int]

    init(parameters: ConnectorParameters) {
        gridSize = parameters.gridSize
        fieldOfView = parameters.fieldOfView
        side = parameters.windowSide
        let layer = side * side
        passable = Array(repeating: false, count: layer)
        isHead = Array(repeating: false, count: layer)
        isOtherTarget = Array(repeating: false, count: layer)
        distance = Array(repeating: -1, count: layer)
        firstMove = Array(repeating: 0, count: layer)
        queue = Array(repeating: 0, count: layer)
    }

    /// The action for observation row `row` (4 + 2·side² floats) and legal mask `legal` (5 entries,
    /// 0/1). Always legal: NOOP when no move is.
    mutating func action(row: ArraySlice<Float>, legal: ArraySlice<UInt8>) -> Int {
        let mask = legal.startIndex
        guard (1...4).contains(where: { legal[mask + $0] != 0 }) else { return 0 }
        read(row)
        search(legal: legal)
        // Ranked by: reaches the target, cost, free neighbours of the entered cell (hugging walls
        // and paths leaves open space to the others), off the main axis, action id.
        var best: (Int, Int, Int, Int, Int)?
        for move in 1...4 where legal[mask + move] != 0 {
            guard let goal = goalCost(firstMove: move) else { continue }
            let key = (goal.reachesTarget ? 0 : 1, goal.steps + Self.sealCost * seals(move: move),
                       freeNeighbours(of: step(centre, move)), isOffAxis(move) ? 1 : 0, move)
            if best == nil || key < best! { best = key }
        }
        return best?.4 ?? fillMove(legal: legal)
    }

    // MARK: - Reading the observation

    private var centre: Int { fieldOfView * side + fieldOfView }

    /// Decodes head and target (stored as coordinate / G²) and the two window layers.
    private mutating func read(_ row: ArraySlice<Float>) {
        let start = row.startIndex
        let cells = Float(gridSize * gridSize)
        head = (Int((row[start] * cells).rounded()), Int((row[start + 1] * cells).rounded()))
        target = (Int((row[start + 2] * cells).rounded()), Int((row[start + 3] * cells).rounded()))
        let layer = side * side
        for cell in 0..<layer {
            let blocker = row[start + 4 + cell]
            let targetMark = row[start + 4 + layer + cell]
            // Outside the grid both layers read +1, so such cells are neither passable nor heads.
            passable[cell] = blocker == 0 && targetMark >= 0
            isHead[cell] = blocker > 0 && isInGrid(cell)
            isOtherTarget[cell] = targetMark < 0
        }
    }

    /// Grid coordinates of window cell (a, b); a and b may lie outside the window.
    private func gridPosition(_ a: Int, _ b: Int) -> (row: Int, col: Int) {
        (head.row - fieldOfView + a, head.col - fieldOfView + b)
    }

    private func isInGrid(_ cell: Int) -> Bool {
        let p = gridPosition(cell / side, cell % side)
        return p.row >= 0 && p.row < gridSize && p.col >= 0 && p.col < gridSize
    }

    /// The window cell one `move` away from `cell`, or nil outside the window.
    private func step(_ cell: Int, _ move: Int) -> Int? {
        let a = cell / side + Self.moves[move].0
        let b = cell % side + Self.moves[move].1
        return a >= 0 && a < side && b >= 0 && b < side ? a * side + b : nil
    }

    /// True when `cell` has a 4-neighbour outside the window but inside the grid: the way on is unseen.
    private func isFrontier(_ cell: Int) -> Bool {
        (1...4).contains { move in
            guard step(cell, move) == nil else { return false }
            let p = gridPosition(cell / side + Self.moves[move].0, cell % side + Self.moves[move].1)
            return p.row >= 0 && p.row < gridSize && p.col >= 0 && p.col < gridSize
        }
    }

    private func freeNeighbours(of cell: Int?) -> Int {
        guard let cell else { return 0 }
        return (1...4).filter { move in step(cell, move).map { passable[$0] } ?? false }.count
    }

    // MARK: - Planning

    /// Breadth-first search from the head through passable window cells; first steps only by legal moves.
    private mutating func search(legal: ArraySlice<UInt8>) {
        for cell in distance.indices { distance[cell] = -1 }
        distance[centre] = 0
        queue[0] = centre
        var read = 0
        var write = 1
        while read < write {
            let cell = queue[read]
            read += 1
            for move in 1...4 {
                guard let next = step(cell, move), passable[next], distance[next] < 0 else { continue }
                if cell == centre && legal[legal.startIndex + move] == 0 { continue }
                distance[next] = distance[cell] + 1
                firstMove[next] = cell == centre ? move : firstMove[cell]
                queue[write] = next
                write += 1
            }
        }
    }

    /// The best goal reached through first move `move`: the own target (exact steps), else the
    /// frontier cell minimising steps + Manhattan distance from it to the target; nil when the move
    /// leads only into a pocket seen whole.
    private func goalCost(firstMove move: Int) -> (reachesTarget: Bool, steps: Int)? {
        var best: Int?
        for cell in distance.indices where distance[cell] > 0 && firstMove[cell] == move {
            let p = gridPosition(cell / side, cell % side)
            if p == target { return (true, distance[cell]) }
            guard isFrontier(cell) else { continue }
            let cost = distance[cell] + abs(p.row - target.row) + abs(p.col - target.col)
            best = min(best ?? cost, cost)
        }
        return best.map { (false, $0) }
    }

    /// How many other agents' targets or heads next to the cell `move` enters would be walled in by
    /// entering it: every other neighbour of theirs is seen and none offers a way in (or out).
    private func seals(move: Int) -> Int {
        guard let entered = step(centre, move) else { return 0 }
        var count = 0
        for direction in 1...4 {
            guard let cell = step(entered, direction), cell != centre, isOtherTarget[cell] || isHead[cell] else { continue }
            var open = false
            for around in 1...4 {
                let a = cell / side + Self.moves[around].0
                let b = cell % side + Self.moves[around].1
                guard let next = step(cell, around) else {
                    let p = gridPosition(a, b)
                    open = open || (p.row >= 0 && p.row < gridSize && p.col >= 0 && p.col < gridSize)
                    continue
                }
                guard next != entered, next != centre else { continue }
                // A target's owner may be the head beside it; a head may own the target beside it.
                open = open || passable[next] || (isOtherTarget[cell] && isHead[next]) || (isHead[cell] && isOtherTarget[next])
            }
            if !open { count += 1 }
        }
        return count
    }

    /// True when `move` runs along the axis with the smaller remaining distance to the target (rows
    /// count as the larger axis on a tie).
    private func isOffAxis(_ move: Int) -> Bool {
        let vertical = move == 1 || move == 3
        return vertical != (abs(target.row - head.row) >= abs(target.col - head.col))
    }

    /// Inside a pocket without the target the agent can never connect: the legal move into the
    /// cell with the fewest free neighbours fills the pocket fastest, so the episode can end sooner.
    private func fillMove(legal: ArraySlice<UInt8>) -> Int {
        var best = 0
        var fewest = Int.max
        for move in 1...4 where legal[legal.startIndex + move] != 0 {
            let free = freeNeighbours(of: step(centre, move))
            if free < fewest { (best, fewest) = (move, free) }
        }
        return best
    }
}
