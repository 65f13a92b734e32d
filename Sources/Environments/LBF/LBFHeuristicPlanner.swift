/// The scripted LBF policy behind `LBFBatch.heuristicActions` (brief: issue #4).
///
/// Each call re-plans from the state alone:
/// 1. **Groups.** Repeatedly pick the uneaten food that the nearest still-free agents can lift
///    together soonest (add agents by distance until their levels sum to the food's level; cost =
///    distance of the last one), and assign that group to it. Agents left over follow the group of
///    the food nearest to them. In cooperative tasks this sends everyone to the same food.
/// 2. **Moves.** An agent 4-adjacent to its food, or to any food it can lift alone, LOADs. Otherwise
///    it takes a shortest-path step (breadth-first search over free cells, other agents as
///    obstacles, or ignored when they block every path) towards a free cell next to its food.
///    No two agents step into the same cell (no clashes), and equal steps are broken at random,
///    which keeps agents from blocking each other the same way step after step.
/// 3. With probability `epsilon` per agent, a uniformly random legal action instead.
struct LBFHeuristicPlanner {
    let parameters: LBFParameters
    /// Food index per agent (−1: none).
    private var target: [Int]
    /// Scratch: unassigned agents sorted by distance to one food.
    private var order: [Int]
    /// Scratch: per cell, 0 free, −1 uneaten food, 1 + agent index for an agent.
    private var occupancy: [Int]
    /// Scratch: breadth-first distances to the goal cells (−1: not reached).
    private var distance: [Int]
    private var queue: [Int]
    /// Cells some agent moves into this step.
    private var reserved: [Int]

    init(parameters: LBFParameters) {
        self.parameters = parameters
        let cells = parameters.gridSize * parameters.gridSize
        target = Array(repeating: -1, count: parameters.agentCount)
        order = Array(repeating: 0, count: parameters.agentCount)
        occupancy = Array(repeating: 0, count: cells)
        distance = Array(repeating: -1, count: cells)
        queue = Array(repeating: 0, count: cells)
        reserved = Array(repeating: -1, count: parameters.agentCount)
    }

    /// Writes every copy's joint action into `actions` (layout (copies, N)).
    mutating func plan(_ state: LBFState, epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        for copy in 0..<state.copyCount { plan(state, copy: copy, epsilon: epsilon, rng: &rng, into: &actions) }
    }

    /// Writes copy `copy`'s joint action into `actions[copy·N ..< copy·N + N]`.
    private mutating func plan(
        _ state: LBFState, copy: Int, epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]
    ) {
        let n = parameters.agentCount
        assignGroups(state, copy: copy)
        markOccupancy(state, copy: copy)
        for i in 0..<n { reserved[i] = -1 }
        for i in 0..<n {
            let action: LBFAction
            if epsilon > 0 && rng.nextUnit() < epsilon {
                action = randomLegalAction(state, agent: i, copy: copy, rng: &rng)
            } else {
                action = scriptedAction(state, agent: i, copy: copy, rng: &rng)
            }
            if action.rowStep != 0 || action.colStep != 0 {
                let slot = copy * n + i
                reserved[i] =
                    (state.agentRow[slot] + action.rowStep) * parameters.gridSize
                    + state.agentCol[slot] + action.colStep
            }
            actions[copy * n + i] = action.rawValue
        }
    }

    // MARK: - Groups

    private mutating func assignGroups(_ state: LBFState, copy: Int) {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        for i in 0..<n { target[i] = -1 }
        while true {
            var bestFood = -1
            var bestCost = Int.max
            for f in 0..<nf where !state.foodEaten[copy * nf + f] && !isTargeted(f) {
                guard let cost = groupCost(state, copy: copy, food: f) else { continue }
                if cost < bestCost {
                    bestCost = cost
                    bestFood = f
                }
            }
            if bestFood < 0 { break }
            let size = groupSize(state, copy: copy, food: bestFood)
            for k in 0..<size { target[order[k]] = bestFood }
        }
        for i in 0..<n where target[i] < 0 {
            var nearest = Int.max
            for f in 0..<nf where !state.foodEaten[copy * nf + f] {
                let d = foodDistance(state, copy: copy, agent: i, food: f)
                if d < nearest {
                    nearest = d
                    target[i] = f
                }
            }
        }
    }

    private func isTargeted(_ food: Int) -> Bool {
        for i in 0..<parameters.agentCount where target[i] == food { return true }
        return false
    }

    /// Distance of the last agent a group for `food` needs, nil when the free agents cannot lift it.
    private mutating func groupCost(_ state: LBFState, copy: Int, food: Int) -> Int? {
        let size = groupSize(state, copy: copy, food: food)
        guard size > 0 else { return nil }
        return foodDistance(state, copy: copy, agent: order[size - 1], food: food)
    }

    /// Sorts the free agents by distance to `food` into `order`; returns how many of the nearest
    /// are needed to reach its level, or 0 when all of them together are too weak.
    private mutating func groupSize(_ state: LBFState, copy: Int, food: Int) -> Int {
        let n = parameters.agentCount
        var count = 0
        for i in 0..<n where target[i] < 0 {
            let d = foodDistance(state, copy: copy, agent: i, food: food)
            var k = count
            while k > 0 && foodDistance(state, copy: copy, agent: order[k - 1], food: food) > d {
                order[k] = order[k - 1]
                k -= 1
            }
            order[k] = i
            count += 1
        }
        let level = state.foodLevel[copy * parameters.foodCount + food]
        var sum = 0
        for k in 0..<count {
            sum += state.agentLevel[copy * n + order[k]]
            if sum >= level { return k + 1 }
        }
        return 0
    }

    /// Manhattan steps until agent `agent` is 4-adjacent to `food`.
    private func foodDistance(_ state: LBFState, copy: Int, agent: Int, food: Int) -> Int {
        let slot = copy * parameters.agentCount + agent
        let k = copy * parameters.foodCount + food
        return abs(state.agentRow[slot] - state.foodRow[k]) + abs(state.agentCol[slot] - state.foodCol[k]) - 1
    }

    // MARK: - Moves

    private mutating func scriptedAction(
        _ state: LBFState, agent: Int, copy: Int, rng: inout SplitMixGenerator
    ) -> LBFAction {
        let nf = parameters.foodCount
        let slot = copy * parameters.agentCount + agent
        let goal = target[agent]
        if goal < 0 { return .noop }
        for f in 0..<nf where !state.foodEaten[copy * nf + f] {
            let k = copy * nf + f
            let liftsAlone = state.foodLevel[k] <= state.agentLevel[slot]
            if (f == goal || liftsAlone) && state.isAdjacent(agent: slot, state.foodRow[k], state.foodCol[k]) {
                return .load
            }
        }
        let here = state.agentRow[slot] * parameters.gridSize + state.agentCol[slot]
        if !searchPaths(to: goal, from: here, agent: agent, state, copy: copy, agentsBlock: true) {
            _ = searchPaths(to: goal, from: here, agent: agent, state, copy: copy, agentsBlock: false)
        }
        return bestStep(from: here, agent: agent, rng: &rng)
    }

    /// The legal, unreserved move that gets closest (never farther) to the goal; ties at random.
    private func bestStep(from here: Int, agent: Int, rng: inout SplitMixGenerator) -> LBFAction {
        let g = parameters.gridSize
        let row = here / g
        let col = here % g
        var best = LBFAction.noop
        var bestDistance = distance[here] < 0 ? Int.max : distance[here]
        var ties = 0
        for raw in LBFAction.up.rawValue...LBFAction.right.rawValue {
            let action = LBFAction(rawValue: raw) ?? .noop
            let r = row + action.rowStep
            let c = col + action.colStep
            guard r >= 0 && r < g && c >= 0 && c < g else { continue }
            let cell = r * g + c
            guard occupancy[cell] == 0, distance[cell] >= 0, !reserved.contains(cell) else { continue }
            if distance[cell] < bestDistance {
                best = action
                bestDistance = distance[cell]
                ties = 1
            } else if distance[cell] == bestDistance && best != .noop {
                ties += 1
                if rng.nextInt(below: ties) == 0 { best = action }
            }
        }
        return best
    }

    /// Breadth-first distances from the free cells 4-adjacent to `food` until `start` is reached.
    /// - Returns: whether `start` was reached.
    private mutating func searchPaths(
        to food: Int, from start: Int, agent: Int, _ state: LBFState, copy: Int, agentsBlock: Bool
    ) -> Bool {
        let g = parameters.gridSize
        let k = copy * parameters.foodCount + food
        for cell in 0..<distance.count { distance[cell] = -1 }
        func isOpen(_ cell: Int) -> Bool {
            let o = occupancy[cell]
            return o == 0 || o == agent + 1 || (o > 0 && !agentsBlock)
        }
        var tail = 0
        func visit(_ r: Int, _ c: Int, _ d: Int) {
            guard r >= 0 && r < g && c >= 0 && c < g else { return }
            let cell = r * g + c
            guard distance[cell] < 0 && isOpen(cell) else { return }
            distance[cell] = d
            queue[tail] = cell
            tail += 1
        }
        let foodRow = state.foodRow[k]
        let foodCol = state.foodCol[k]
        visit(foodRow - 1, foodCol, 0)
        visit(foodRow + 1, foodCol, 0)
        visit(foodRow, foodCol - 1, 0)
        visit(foodRow, foodCol + 1, 0)
        var head = 0
        while head < tail {
            let cell = queue[head]
            head += 1
            if cell == start { return true }
            let r = cell / g
            let c = cell % g
            let d = distance[cell] + 1
            visit(r - 1, c, d)
            visit(r + 1, c, d)
            visit(r, c - 1, d)
            visit(r, c + 1, d)
        }
        return false
    }

    private mutating func markOccupancy(_ state: LBFState, copy: Int) {
        let g = parameters.gridSize
        let n = parameters.agentCount
        let nf = parameters.foodCount
        for cell in 0..<occupancy.count { occupancy[cell] = 0 }
        for f in 0..<nf where !state.foodEaten[copy * nf + f] {
            occupancy[state.foodRow[copy * nf + f] * g + state.foodCol[copy * nf + f]] = -1
        }
        for i in 0..<n { occupancy[state.agentRow[copy * n + i] * g + state.agentCol[copy * n + i]] = i + 1 }
    }

    private func randomLegalAction(
        _ state: LBFState, agent: Int, copy: Int, rng: inout SplitMixGenerator
    ) -> LBFAction {
        var legalCount = 0
        for action in LBFAction.allCases where state.isLegal(action, agent: agent, copy: copy) { legalCount += 1 }
        var pick = rng.nextInt(below: legalCount)
        for action in LBFAction.allCases where state.isLegal(action, agent: agent, copy: copy) {
            if pick == 0 { return action }
            pick -= 1
        }
        return .noop
    }
}
