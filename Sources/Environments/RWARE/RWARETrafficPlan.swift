/// The fixed traffic rules that `RWAREObservedPolicy` follows on one RWARE floor plan, computed
/// from the task parameters alone (no state).
///
/// Lanes are one-way, so two agents never head for one cell from opposite sides (which an agent
/// with a 3×3 view could not see): the vertical corridors (columns `3k`) go UP for even `k` and DOWN
/// for odd `k`; row 0 and row `H−2` go RIGHT, the delivery row `H−1` goes LEFT, the rows between
/// bands alternate (LEFT for odd band index). The removed middle cluster of the bottom band is a
/// funnel to the goals: its two columns go DOWN, the corridors beside it may step into it (RIGHT
/// from column `W/2−2`, LEFT from `W/2+1`), and from row `H−2` they go on DOWN onto a goal. A shelf
/// slot is left sideways towards its own corridor (column `3k+1` LEFT to `3k`, `3k+2` RIGHT to
/// `3k+3`).
///
/// The sweep is one cycle along the lanes that passes every vertical corridor from end to end,
/// so an agent following it sees every shelf slot: up corridor 0, along row 0, down the next
/// corridor, along row `H−2`, up the next, …, down the last and back LEFT along row `H−1`.
/// `goalDirection` is the first direction of a quickest lane route to a goal counting turns.
struct RWARETrafficPlan {
    let layout: RWARELayout
    /// Directions (bit `d` for direction `d`) an agent may move in from each cell.
    let allowedMoves: [UInt8]
    /// The sweep cycle's direction at each cell.
    let sweepDirection: [Int]
    /// The direction to head for from (cell, facing) `cell·4 + facing` to reach a goal soonest.
    let goalDirection: [Int]

    init(_ p: RWAREParameters) {
        let layout = RWARELayout(p)
        self.layout = layout
        let h = layout.height
        let w = layout.width
        let band = p.columnHeight + 1
        func rowDirection(_ row: Int) -> Int? {
            if row == h - 1 { return Dir.left }
            if row == 0 || row == h - 2 { return Dir.right }
            if row % band == 0 { return (row / band) % 2 == 1 ? Dir.left : Dir.right }
            return nil
        }
        var allowed = [UInt8](repeating: 0, count: h * w)
        var sweep = [Int](repeating: Dir.down, count: h * w)
        for row in 0..<h {
            for col in 0..<w {
                let cell = row * w + col
                var moves = 0
                if !layout.isHighway[cell] {
                    sweep[cell] = col % 3 == 1 ? Dir.left : Dir.right
                    moves = 1 << sweep[cell]
                } else {
                    let corridor = col % 3 == 0 ? col / 3 : nil
                    if let k = corridor { moves |= 1 << (k % 2 == 0 ? Dir.up : Dir.down) }
                    if let d = rowDirection(row) { moves |= 1 << d }
                    if row == h - 2 && (col == w / 2 - 1 || col == w / 2) { moves |= 1 << Dir.down }
                    if row >= h - band - 1 && row < h - 2 {
                        if col == w / 2 - 2 { moves |= 1 << Dir.right }
                        if col == w / 2 + 1 { moves |= 1 << Dir.left }
                    }
                    if moves == 0 { moves = 1 << Dir.down }
                    sweep[cell] = Self.sweep(row: row, col: col, height: h, width: w, rowDirection(row))
                }
                for d in 0..<4 where moves & (1 << d) != 0 {
                    let r = row + RWAREDirection.rowStep[d]
                    let c = col + RWAREDirection.colStep[d]
                    if r < 0 || r >= h || c < 0 || c >= w { moves &= ~(1 << d) }
                }
                allowed[cell] = UInt8(moves)
            }
        }
        allowedMoves = allowed
        sweepDirection = sweep
        goalDirection = Self.goalDirections(layout: layout, allowed: allowed)
    }

    /// The sweep cycle's direction at highway cell (`row`, `col`); `rowDirection` is that row's lane.
    private static func sweep(row: Int, col: Int, height h: Int, width w: Int, _ rowDirection: Int?) -> Int {
        if col % 3 == 0 {
            let k = col / 3
            let last = k == (w - 1) / 3
            if k % 2 == 0 { return row == 0 ? Dir.right : (row == h - 1 && k > 0 ? Dir.left : Dir.up) }
            if row == h - 1 { return Dir.left }
            return row == h - 2 && !last ? Dir.right : Dir.down
        }
        return rowDirection ?? Dir.down
    }

    /// Reverse breadth-first search over (cell, facing) states, where a turn and a lane move each
    /// cost one step; then each state's best first direction.
    private static func goalDirections(layout: RWARELayout, allowed: [UInt8]) -> [Int] {
        let w = layout.width
        let unreached = Int.max
        var distance = [Int](repeating: unreached, count: layout.cellCount * 4)
        var queue: [Int] = []
        for goal in [layout.goals.0, layout.goals.1] {
            for d in 0..<4 {
                distance[goal * 4 + d] = 0
                queue.append(goal * 4 + d)
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let cell = state / 4
            let d = state % 4
            var predecessors = [cell * 4 + (d + 1) % 4, cell * 4 + (d + 3) % 4]
            let row = cell / w - RWAREDirection.rowStep[d]
            let col = cell % w - RWAREDirection.colStep[d]
            if row >= 0 && row < layout.height && col >= 0 && col < w && allowed[row * w + col] & (1 << d) != 0 {
                predecessors.append((row * w + col) * 4 + d)
            }
            for p in predecessors where distance[p] == unreached {
                distance[p] = distance[state] + 1
                queue.append(p)
            }
        }
        var best = [Int](repeating: Dir.down, count: layout.cellCount * 4)
        for cell in 0..<layout.cellCount {
            for facing in 0..<4 {
                var bestCost = unreached
                for turn in [0, 1, 3, 2] {
                    let d = (facing + turn) % 4
                    guard allowed[cell] & (1 << d) != 0 else { continue }
                    let next = cell + RWAREDirection.rowStep[d] * w + RWAREDirection.colStep[d]
                    guard distance[next * 4 + d] != unreached else { continue }
                    let cost = (turn == 2 ? 2 : min(turn, 1)) + 1 + distance[next * 4 + d]
                    if cost < bestCost {
                        bestCost = cost
                        best[cell * 4 + facing] = d
                    }
                }
            }
        }
        return best
    }

    /// Direction names (spec §2).
    enum Dir {
        static let up = 0, right = 1, down = 2, left = 3
    }
}
