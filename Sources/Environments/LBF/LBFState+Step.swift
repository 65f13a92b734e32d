extension LBFState {
    /// Steps copy `copy` with its joint action `actions[copy·N ..< copy·N + N]` (spec env-lbf.md §6).
    ///
    /// Order: proposed moves (rejected out of grid, into another agent's pre-step cell, into uneaten
    /// food) → every agent of a clash reverts → `loading = (action == LOAD)` → each uneaten food is
    /// eaten when the loading agents 4-adjacent to it at their new cells have levels summing to at
    /// least its level → rewards r_i (spec §6.5) → step count + 1.
    /// The mask is not consulted: an illegal move fails, an illegal LOAD only sets `loading`.
    /// - Returns: the team reward Σ_i r_i, terminal (all food eaten) and truncated (time limit, only
    ///   when not terminal). Individual r_i are left in `agentReward`.
    mutating func step(copy: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool) {
        let n = parameters.agentCount
        let base = copy * n
        moveAgents(copy: copy, actions: actions)
        for i in 0..<n {
            agentLoading[base + i] = actions[base + i] == LBFAction.load.rawValue
            agentReward[base + i] = 0
        }
        eatFood(copy: copy)
        var team: Float = 0
        for i in 0..<n { team += agentReward[base + i] }
        stepCount[copy] += 1
        let terminal = allFoodEaten(copy: copy)
        let truncated = !terminal && stepCount[copy] >= parameters.timeLimit
        return (team, terminal, truncated)
    }

    /// Spec §6.1–6.2: proposed moves against the pre-step state, then clashes revert.
    private mutating func moveAgents(copy: Int, actions: [Int32]) {
        let n = parameters.agentCount
        let base = copy * n
        for i in 0..<n {
            let raw = actions[base + i]
            guard let action = LBFAction(rawValue: raw) else {
                preconditionFailure("LBF action \(raw) of copy \(copy) agent \(i) is not in 0...5")
            }
            let row = agentRow[base + i]
            let col = agentCol[base + i]
            let toRow = row + action.rowStep
            let toCol = col + action.colStep
            let accepted =
                (toRow != row || toCol != col) && isInside(toRow, toCol)
                && !isOtherAgent(at: toRow, toCol, copy: copy, besides: i)
                && !isUneatenFood(at: toRow, toCol, copy: copy)
            movedRow[i] = accepted ? toRow : row
            movedCol[i] = accepted ? toCol : col
        }
        // A clash is ≥ 2 movers into one free cell; all of them stay. Reverting cannot create a new
        // clash (nobody may enter a pre-step cell), so one pass over the moved cells suffices.
        for i in 0..<n {
            var clashes = false
            for j in 0..<n where j != i && movedRow[j] == movedRow[i] && movedCol[j] == movedCol[i] {
                clashes = true
            }
            if !clashes {
                agentRow[base + i] = movedRow[i]
                agentCol[base + i] = movedCol[i]
            }
        }
    }

    /// Spec §6.4–6.5: eating and the (normalised) rewards, food by food.
    private mutating func eatFood(copy: Int) {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        let base = copy * n
        let foodBase = copy * nf
        for f in 0..<nf where !foodEaten[foodBase + f] {
            let row = foodRow[foodBase + f]
            let col = foodCol[foodBase + f]
            var loadSum = 0
            for i in 0..<n where agentLoading[base + i] && isAdjacent(agent: base + i, row, col) {
                loadSum += agentLevel[base + i]
            }
            if loadSum == 0 { continue }
            let level = foodLevel[foodBase + f]
            let eaten = loadSum >= level
            let normaliser: Float = parameters.normalizesReward ? Float(loadSum * totalFoodLevel[copy]) : 1
            if eaten {
                foodEaten[foodBase + f] = true
                for i in 0..<n where agentLoading[base + i] && isAdjacent(agent: base + i, row, col) {
                    agentReward[base + i] += Float(agentLevel[base + i] * level) / normaliser
                }
            } else if parameters.penalty > 0 {
                for i in 0..<n { agentReward[base + i] -= parameters.penalty / normaliser }
            }
        }
    }

    /// True when agent slot `agent` (copy·N + i) is 4-adjacent to (row, col).
    func isAdjacent(agent: Int, _ row: Int, _ col: Int) -> Bool {
        abs(agentRow[agent] - row) + abs(agentCol[agent] - col) == 1
    }
}
