/// Where one agent heads this step.
enum LBFGoal: Equatable {
    /// Stay (NOOP).
    case none
    /// A cell 4-adjacent to food `index` of the scene, then LOAD.
    case food(Int)
    /// This cell (exploring).
    case cell(row: Int, col: Int)
}

/// One agent's picture of a step, in its estimated absolute coordinates: itself (agent 0) and the
/// agents it sees, the foods it sees or remembers.
struct LBFScene {
    struct Entity {
        var row: Int
        var col: Int
        var level: Int
        /// Food id (agents: −1).
        var id: Int
        /// A food the agent stays away from: an obstacle, never a goal.
        var avoided = false
    }

    var agents: [Entity] = []
    var foods: [Entity] = []

    /// Manhattan steps until agent `agent` is 4-adjacent to food `food`.
    func distance(agent: Int, food: Int) -> Int {
        abs(agents[agent].row - foods[food].row) + abs(agents[agent].col - foods[food].col) - 1
    }

    /// Whether agent `a` comes before agent `b` in the order every agent can compute alike:
    /// by row, then column (ids are not observed).
    func precedes(_ a: Int, _ b: Int) -> Bool {
        (agents[a].row, agents[a].col) < (agents[b].row, agents[b].col)
    }
}

/// `LBFHeuristicPlanner`'s rules applied to an `LBFScene` instead of the state: the same group
/// assignment and shortest-path moves with cells reserved in a fixed agent order. Ties that the
/// planner breaks at random are broken by position (agents) and by a move order that rotates
/// with the step count (moves), so agents sharing a picture agree on every choice.
struct LBFScenePlanner {
    let gridSize: Int
    /// Whether every agent sees the whole grid, so that all agents plan on the same scene.
    let sharesPicture: Bool
    /// Per scene agent: the scene food its group goes to, or −1 (filled by `assign`).
    private(set) var target: [Int]
    /// Per scene agent: whether `target` came from a group able to lift the food.
    private(set) var grouped: [Bool]
    /// Id of the food given first by `assign` (the cheapest group), or −1.
    private(set) var lead = -1
    /// Per scene agent: the food it is taken to wait at, or −1 (see `assign`).
    private var pinned: [Int]
    /// Scratch: free agents sorted by distance to one food.
    private var order: [Int]
    /// Scratch: per cell, 0 free, −1 food, 1 + agent index for an agent.
    private var occupancy: [Int]
    /// Scratch: breadth-first distances to the goal cells (−1: not reached).
    private var distance: [Int]
    private var queue: [Int]
    /// Cells that agents planned earlier this step move into.
    private var reserved: [Int] = []

    init(parameters: LBFParameters) {
        gridSize = parameters.gridSize
        sharesPicture = parameters.fieldOfView >= parameters.gridSize - 1
        let cells = gridSize * gridSize
        target = Array(repeating: -1, count: parameters.agentCount)
        grouped = Array(repeating: false, count: parameters.agentCount)
        pinned = Array(repeating: -1, count: parameters.agentCount)
        order = Array(repeating: 0, count: parameters.agentCount)
        occupancy = Array(repeating: 0, count: cells)
        distance = Array(repeating: -1, count: cells)
        queue = Array(repeating: 0, count: cells)
    }

    // MARK: - Groups

    /// Repeatedly gives the food that the nearest free agents can lift soonest to that group;
    /// agents left over take the nearest food (`grouped` false). Avoided foods are left out.
    ///
    /// Without `sharesPicture`, an agent standing next to a food is taken to wait there (it may
    /// be one of a group the observer cannot see): it counts only for that food's group and, left
    /// over, stays with that food. The observer itself is treated alike when it is `waiting`
    /// (its last action was LOAD), so that two waiting agents that see the same agents and foods
    /// pick the same groups.
    ///
    /// The food with id `lead` (the first food given last step) counts one step cheaper and wins
    /// ties; other ties go to the lowest id. Without this, groups can swap foods back and forth
    /// as their members move, cycles that the planner's random ties break.
    mutating func assign(_ scene: LBFScene, waiting: Bool, lead: Int) {
        let n = scene.agents.count
        self.lead = -1
        for k in 0..<n {
            target[k] = -1
            grouped[k] = false
            pinned[k] = -1
            guard !sharesPicture && (k > 0 || waiting) else { continue }
            let agent = scene.agents[k]
            pinned[k] = scene.foods.firstIndex { abs($0.row - agent.row) + abs($0.col - agent.col) == 1 } ?? -1
        }
        while true {
            var bestFood = -1
            var bestCost = Int.max
            for f in scene.foods.indices where !scene.foods[f].avoided && !target[0..<n].contains(f) {
                let size = groupSize(scene, food: f)
                guard size > 0 else { continue }
                let isLead = scene.foods[f].id == lead
                let cost = scene.distance(agent: order[size - 1], food: f) - (isLead ? 1 : 0)
                if cost < bestCost || (cost == bestCost && isLead) {
                    bestCost = cost
                    bestFood = f
                }
            }
            if bestFood < 0 { break }
            if self.lead < 0 { self.lead = scene.foods[bestFood].id }
            for k in 0..<groupSize(scene, food: bestFood) {
                target[order[k]] = bestFood
                grouped[order[k]] = true
            }
        }
        for k in 0..<n where target[k] < 0 && pinned[k] >= 0 { target[k] = pinned[k] }
        for k in 0..<n where target[k] < 0 {
            var nearest = Int.max
            for f in scene.foods.indices where !scene.foods[f].avoided && scene.distance(agent: k, food: f) < nearest {
                nearest = scene.distance(agent: k, food: f)
                target[k] = f
            }
        }
    }

    /// Sorts the free agents (unassigned, and pinned to no other food) by distance to `food`
    /// (then by position) into `order`; returns how many of the nearest are needed to reach its
    /// level, or 0 when all of them are too weak.
    private mutating func groupSize(_ scene: LBFScene, food: Int) -> Int {
        var count = 0
        for k in scene.agents.indices where target[k] < 0 && (pinned[k] < 0 || pinned[k] == food) {
            let d = scene.distance(agent: k, food: food)
            var slot = count
            while slot > 0 {
                let other = order[slot - 1]
                let e = scene.distance(agent: other, food: food)
                guard e > d || (e == d && scene.precedes(k, other)) else { break }
                order[slot] = other
                slot -= 1
            }
            order[slot] = k
            count += 1
        }
        var sum = 0
        for slot in 0..<count {
            sum += scene.agents[order[slot]].level
            if sum >= scene.foods[food].level { return slot + 1 }
        }
        return 0
    }

    // MARK: - Moves

    /// Agent 0's action toward `goal`. The agents it sees that come first in the shared order are
    /// planned before it toward their `target`, and the cells they move into are kept free, as
    /// the planner does. Without `sharesPicture` their plans are guesses, so every cell next to
    /// one of them that is not loading is kept free: two agents that could step into one cell
    /// see each other, and the later one gives way. Every action returned is legal under
    /// `legal[base ..< base + 6]`.
    mutating func action(
        _ scene: LBFScene, goal: LBFGoal, legal: [UInt8], base: Int, rotation: Int
    ) -> LBFAction {
        for cell in occupancy.indices { occupancy[cell] = 0 }
        for food in scene.foods { occupancy[food.row * gridSize + food.col] = -1 }
        for (k, agent) in scene.agents.enumerated() { occupancy[agent.row * gridSize + agent.col] = k + 1 }
        reserved.removeAll(keepingCapacity: true)
        for k in scene.agents.indices.dropFirst() where scene.precedes(k, 0) {
            let move = action(scene, agent: k, goal: target[k] < 0 ? .none : .food(target[k]),
                              legal: nil, rotation: rotation)
            let (row, col) = (scene.agents[k].row, scene.agents[k].col)
            if !sharesPicture && move != .load {
                for (r, c) in [(row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)]
                where r >= 0 && r < gridSize && c >= 0 && c < gridSize {
                    reserved.append(r * gridSize + c)
                }
            } else if move.rowStep != 0 || move.colStep != 0 {
                reserved.append((row + move.rowStep) * gridSize + col + move.colStep)
            }
        }
        let mine = action(scene, agent: 0, goal: goal, legal: (legal, base), rotation: rotation)
        return legal[base + Int(mine.rawValue)] != 0 ? mine : .noop
    }

    /// Agent `k`'s action: LOAD when 4-adjacent to its goal food or to a food it lifts alone,
    /// else the best step along shortest paths toward the goal.
    private mutating func action(
        _ scene: LBFScene, agent k: Int, goal: LBFGoal, legal: ([UInt8], Int)?, rotation: Int
    ) -> LBFAction {
        let agent = scene.agents[k]
        var seeds: [(Int, Int)]
        switch goal {
        case .none: return .noop
        case .cell(let row, let col): seeds = [(row, col)]
        case .food(let f):
            for (g, food) in scene.foods.enumerated() where abs(food.row - agent.row) + abs(food.col - agent.col) == 1 {
                if g == f || food.level <= agent.level { return .load }
            }
            let food = scene.foods[f]
            seeds = [(food.row - 1, food.col), (food.row + 1, food.col), (food.row, food.col - 1), (food.row, food.col + 1)]
        }
        let here = agent.row * gridSize + agent.col
        if !search(from: seeds, to: here, agent: k, agentsBlock: true) {
            _ = search(from: seeds, to: here, agent: k, agentsBlock: false)
        }
        return bestStep(from: here, legal: legal, rotation: rotation)
    }

    /// The move (in the order rotated by `rotation`) to the first free, unreserved, legal cell
    /// closest to the goal, never farther than `here`; NOOP when there is none.
    private func bestStep(from here: Int, legal: ([UInt8], Int)?, rotation: Int) -> LBFAction {
        let moves: [LBFAction] = [.up, .down, .left, .right]
        var best = LBFAction.noop
        var bestDistance = distance[here] < 0 ? Int.max : distance[here]
        for i in 0..<moves.count {
            let move = moves[(i + rotation) % moves.count]
            if let (mask, base) = legal, mask[base + Int(move.rawValue)] == 0 { continue }
            let r = here / gridSize + move.rowStep
            let c = here % gridSize + move.colStep
            guard r >= 0 && r < gridSize && c >= 0 && c < gridSize else { continue }
            let cell = r * gridSize + c
            guard occupancy[cell] == 0, distance[cell] >= 0, distance[cell] < bestDistance,
                  !reserved.contains(cell) else { continue }
            best = move
            bestDistance = distance[cell]
        }
        return best
    }

    /// Breadth-first distances from the open cells among `seeds` until `start` is reached; other
    /// agents are obstacles when `agentsBlock`, foods always. Returns whether `start` was reached.
    private mutating func search(from seeds: [(Int, Int)], to start: Int, agent: Int, agentsBlock: Bool) -> Bool {
        for cell in distance.indices { distance[cell] = -1 }
        var tail = 0
        func visit(_ r: Int, _ c: Int, _ d: Int) {
            guard r >= 0 && r < gridSize && c >= 0 && c < gridSize else { return }
            let cell = r * gridSize + c
            let o = occupancy[cell]
            guard distance[cell] < 0 && (o == 0 || o == agent + 1 || (o > 0 && !agentsBlock)) else { return }
            distance[cell] = d
            queue[tail] = cell
            tail += 1
        }
        for (r, c) in seeds { visit(r, c, 0) }
        var head = 0
        while head < tail {
            let cell = queue[head]
            head += 1
            if cell == start { return true }
            let d = distance[cell] + 1
            visit(cell / gridSize - 1, cell % gridSize, d)
            visit(cell / gridSize + 1, cell % gridSize, d)
            visit(cell / gridSize, cell % gridSize - 1, d)
            visit(cell / gridSize, cell % gridSize + 1, d)
        }
        return false
    }
}
