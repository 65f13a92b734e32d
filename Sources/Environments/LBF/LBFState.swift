/// Struct-of-arrays state of every copy of one LBF task (spec env-lbf.md §2).
///
/// Layouts: agent arrays are indexed [copy·N + agent], food arrays [copy·F + food], the rest [copy].
/// Positions are (row, col) with row 0 at the top.
struct LBFState {
    let parameters: LBFParameters
    let copyCount: Int

    var agentRow: [Int]
    var agentCol: [Int]
    var agentLevel: [Int]
    var agentLoading: [Bool]
    var foodRow: [Int]
    var foodCol: [Int]
    var foodLevel: [Int]
    var foodEaten: [Bool]
    var stepCount: [Int]
    /// T: sum of the levels of all F foods, eaten or not (constant over an episode).
    var totalFoodLevel: [Int]
    /// r_i of the last step, before the team sum (spec §6.5).
    var agentReward: [Float]

    /// Step scratch: each agent's position after the move rules (one copy at a time).
    var movedRow: [Int]
    var movedCol: [Int]

    init(parameters: LBFParameters, copies: Int) {
        precondition(copies >= 1, "an LBF batch needs at least one copy, got \(copies)")
        self.parameters = parameters
        copyCount = copies
        let agents = copies * parameters.agentCount
        let foods = copies * parameters.foodCount
        agentRow = Array(repeating: 0, count: agents)
        agentCol = Array(repeating: 0, count: agents)
        agentLevel = Array(repeating: 1, count: agents)
        agentLoading = Array(repeating: false, count: agents)
        foodRow = Array(repeating: 0, count: foods)
        foodCol = Array(repeating: 0, count: foods)
        foodLevel = Array(repeating: 1, count: foods)
        foodEaten = Array(repeating: true, count: foods)
        stepCount = Array(repeating: 0, count: copies)
        totalFoodLevel = Array(repeating: parameters.foodCount, count: copies)
        agentReward = Array(repeating: 0, count: agents)
        movedRow = Array(repeating: 0, count: parameters.agentCount)
        movedCol = Array(repeating: 0, count: parameters.agentCount)
    }

    /// True when another agent than `agent` of copy `copy` stands on (row, col).
    func isOtherAgent(at row: Int, _ col: Int, copy: Int, besides agent: Int) -> Bool {
        let base = copy * parameters.agentCount
        for j in 0..<parameters.agentCount where j != agent {
            if agentRow[base + j] == row && agentCol[base + j] == col { return true }
        }
        return false
    }

    /// True when an uneaten food of copy `copy` lies on (row, col).
    func isUneatenFood(at row: Int, _ col: Int, copy: Int) -> Bool {
        let base = copy * parameters.foodCount
        for f in 0..<parameters.foodCount where !foodEaten[base + f] {
            if foodRow[base + f] == row && foodCol[base + f] == col { return true }
        }
        return false
    }

    /// True when (row, col) lies inside the grid.
    func isInside(_ row: Int, _ col: Int) -> Bool {
        let g = parameters.gridSize
        return row >= 0 && row < g && col >= 0 && col < g
    }

    /// True when every food of copy `copy` is eaten (the terminal rule, spec §6.8).
    func allFoodEaten(copy: Int) -> Bool {
        let base = copy * parameters.foodCount
        for f in 0..<parameters.foodCount where !foodEaten[base + f] { return false }
        return true
    }

    /// Replaces copy `copy` with `snapshot`.
    /// - Throws: `LBFStateError` when counts, cells, levels or the step count do not fit the task.
    mutating func load(_ snapshot: LBFSnapshot, copy: Int) throws {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        let g = parameters.gridSize
        guard snapshot.agents.count == n else {
            throw LBFStateError.wrongCount(entity: "agent", expected: n, found: snapshot.agents.count)
        }
        guard snapshot.foods.count == nf else {
            throw LBFStateError.wrongCount(entity: "food", expected: nf, found: snapshot.foods.count)
        }
        guard snapshot.stepCount >= 0 else { throw LBFStateError.badStepCount(snapshot.stepCount) }
        for (i, a) in snapshot.agents.enumerated() {
            guard isInside(a.row, a.col) else {
                throw LBFStateError.outsideGrid(entity: "agent", index: i, row: a.row, col: a.col, gridSize: g)
            }
            guard a.level >= 1 else { throw LBFStateError.badLevel(entity: "agent", index: i, level: a.level) }
        }
        for (f, food) in snapshot.foods.enumerated() {
            guard isInside(food.row, food.col) else {
                throw LBFStateError.outsideGrid(entity: "food", index: f, row: food.row, col: food.col, gridSize: g)
            }
            guard food.level >= 1 else { throw LBFStateError.badLevel(entity: "food", index: f, level: food.level) }
        }
        for (i, a) in snapshot.agents.enumerated() {
            agentRow[copy * n + i] = a.row
            agentCol[copy * n + i] = a.col
            agentLevel[copy * n + i] = a.level
            agentLoading[copy * n + i] = a.isLoading
            agentReward[copy * n + i] = 0
        }
        var total = 0
        for (f, food) in snapshot.foods.enumerated() {
            foodRow[copy * nf + f] = food.row
            foodCol[copy * nf + f] = food.col
            foodLevel[copy * nf + f] = food.level
            foodEaten[copy * nf + f] = food.isEaten
            total += food.level
        }
        totalFoodLevel[copy] = total
        stepCount[copy] = snapshot.stepCount
    }

    /// Copy `copy` as plain values.
    func snapshot(copy: Int) -> LBFSnapshot {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        let agents = (0..<n).map { i in
            LBFSnapshot.Agent(
                row: agentRow[copy * n + i], col: agentCol[copy * n + i], level: agentLevel[copy * n + i],
                isLoading: agentLoading[copy * n + i])
        }
        let foods = (0..<nf).map { f in
            LBFSnapshot.Food(
                row: foodRow[copy * nf + f], col: foodCol[copy * nf + f], level: foodLevel[copy * nf + f],
                isEaten: foodEaten[copy * nf + f])
        }
        return LBFSnapshot(agents: agents, foods: foods, stepCount: stepCount[copy])
    }
}
