/// The observation-based behaviour of LBF (see `ObservationPolicy`): every agent runs
/// `LBFHeuristicPlanner`'s rules on its own picture of the grid.
///
/// Each step an agent decodes its observation row (`LBFObservedView`), updates its memory
/// (`LBFAgentMemory`: estimated cell, foods seen earlier, foods seen eaten) and builds a scene of
/// itself, the agents it sees and the foods it sees or remembers. On that scene it assigns groups
/// and moves like the planner (`LBFScenePlanner`), planning the agents before it in a shared
/// position order so that agents with the same picture do not step into the same cell.
///
/// With full sight every agent has the whole picture, so all agree and the policy follows the
/// planner (deterministic ties instead of random ones). With limited sight:
/// - an agent that no group of visible agents needs goes to the known food with the lowest id
///   and LOADs there, a beacon for helpers (agents converge on the lowest id);
/// - every wait at a food is bounded: after `patience` steps next to it (`lonePatience` with no
///   other agent in sight) the agent stays away from it for `skipSteps` steps and explores
///   meanwhile, unless every lower food id is known to be eaten;
/// - with no food to go to it explores: it first settles its row and column at a border, then
///   tours waypoints whose views together cover every cell where a food can be.
final class LBFObservedPolicy: ObservationPolicy {
    let parameters: LBFParameters
    let copies: Int
    /// Steps an agent waits at a food (while a lower-id food may remain) with other agents in
    /// sight, and with none.
    static let patience = 20
    static let lonePatience = 8
    /// Steps an agent then stays away from that food.
    static let skipSteps = 15
    /// Memory per (copy, agent).
    private var memories: [LBFAgentMemory]
    /// Exploration waypoints in visiting order (a closed tour).
    let waypoints: [(row: Int, col: Int)]
    private var view: LBFObservedView
    private var scene = LBFScene()
    private var planner: LBFScenePlanner

    init(parameters: LBFParameters, copies: Int) {
        self.parameters = parameters
        self.copies = copies
        memories = Array(repeating: LBFAgentMemory(foodCount: parameters.foodCount),
                         count: copies * parameters.agentCount)
        view = LBFObservedView(foodCount: parameters.foodCount, agentCount: parameters.agentCount)
        planner = LBFScenePlanner(parameters: parameters)
        waypoints = Self.tour(parameters)
    }

    /// Whether every agent sees the whole grid wherever it stands.
    var hasFullSight: Bool { planner.sharesPicture }

    func reset(copy: Int) {
        let n = parameters.agentCount
        for slot in (copy * n)..<((copy + 1) * n) {
            memories[slot] = LBFAgentMemory(foodCount: parameters.foodCount)
        }
    }

    func act(observations: [Float], legal: [UInt8], into actions: inout [Int32]) {
        let size = parameters.observationSize
        let a = LBFAction.allCases.count
        precondition(actions.count == copies * parameters.agentCount,
                     "expected \(copies)·\(parameters.agentCount) actions, got \(actions.count)")
        precondition(observations.count == actions.count * size && legal.count == actions.count * a,
                     "observations or legal masks do not match \(actions.count) agents")
        for slot in actions.indices {
            view.decode(observations, from: slot * size)
            actions[slot] = decide(memory: &memories[slot], legal: legal, base: slot * a).rawValue
        }
    }

    /// One agent's action from `view`, its mask `legal[base ..< base + 6]` and its memory.
    private func decide(memory: inout LBFAgentMemory, legal: [UInt8], base: Int) -> LBFAction {
        memory.observe(view, legal: legal, base: base, parameters: parameters)
        buildScene(memory)
        planner.assign(scene, waiting: memory.lastAction == .load, lead: memory.lead)
        memory.lead = planner.lead
        let goal = chooseGoal(&memory)
        var action = planner.action(scene, goal: goal, legal: legal, base: base, rotation: memory.step % 4)
        // Back on the cell of two steps ago: two agents with different pictures may be dodging
        // each other in step. The one later in the shared order waits a step.
        let cell = (row: memory.row, col: memory.col)
        let moves = action.rowStep != 0 || action.colStep != 0
        if moves && !hasFullSight && cell == memory.cellTwoStepsAgo && cell != memory.cellOneStepAgo
            && scene.agents.indices.dropFirst().contains(where: { scene.precedes($0, 0) }) {
            action = .noop
        }
        memory.cellTwoStepsAgo = memory.cellOneStepAgo
        memory.cellOneStepAgo = cell
        if case .cell = goal, action == .noop { memory.stalled += 1 } else { memory.stalled = 0 }
        let toRow = memory.row + action.rowStep
        let toCol = memory.col + action.colStep
        memory.lastMoveContested = (toRow, toCol) != cell && scene.agents.dropFirst().contains {
            abs($0.row - toRow) + abs($0.col - toCol) == 1
        }
        memory.lastAction = action
        memory.step += 1
        return action
    }

    /// Fills `scene`: the agent (first), the agents it sees, the foods it sees and the ones it
    /// remembers elsewhere, all in its estimated absolute coordinates, foods in id order; foods it
    /// stays away from are marked avoided.
    private func buildScene(_ memory: LBFAgentMemory) {
        scene.agents.removeAll(keepingCapacity: true)
        scene.foods.removeAll(keepingCapacity: true)
        scene.agents.append(.init(row: memory.row, col: memory.col, level: view.level, id: -1))
        for case let seen? in view.agents {
            scene.agents.append(.init(row: memory.row + seen.row, col: memory.col + seen.col, level: seen.level, id: -1))
        }
        let inner = 1...(parameters.gridSize - 2)
        for f in 0..<parameters.foodCount {
            let avoided = memory.skipUntil[f] > memory.step
            if let seen = view.foods[f] {
                scene.foods.append(.init(row: memory.row + seen.row, col: memory.col + seen.col, level: seen.level,
                                         id: f, avoided: avoided))
            } else if case .seen(let r, let c, let level) = memory.notes[f], inner.contains(r), inner.contains(c),
                      !scene.agents.contains(where: { $0.row == r && $0.col == c }) {
                scene.foods.append(.init(row: r, col: c, level: level, id: f, avoided: avoided))
            }
        }
    }

    /// The agent's goal: its group's food; with limited sight and no group, the known food with
    /// the lowest id that it does not stay away from, else a waypoint. With limited sight every
    /// wait is subject to `keepsWaiting`, as the group may count on agents headed elsewhere.
    private func chooseGoal(_ memory: inout LBFAgentMemory) -> LBFGoal {
        if hasFullSight {
            return planner.target[0] >= 0 ? .food(planner.target[0]) : .none
        }
        if planner.target[0] >= 0 && planner.grouped[0] && keepsWaiting(at: planner.target[0], &memory) {
            return .food(planner.target[0])
        }
        for f in scene.foods.indices where !scene.foods[f].avoided && memory.step >= memory.exploreUntil {
            if keepsWaiting(at: f, &memory) { return .food(f) }
        }
        return explore(&memory)
    }

    /// Counts the agent's steps next to scene food `f` (limited sight); past the patience it
    /// stays away from it and explores for `skipSteps` steps (returns false), unless every lower
    /// food id is known to be eaten.
    private func keepsWaiting(at f: Int, _ memory: inout LBFAgentMemory) -> Bool {
        let id = scene.foods[f].id
        if memory.rendezvous != id {
            memory.rendezvous = id
            memory.waited = 0
        }
        if scene.distance(agent: 0, food: f) == 0 { memory.waited += 1 }
        let patience = scene.agents.count == 1 ? Self.lonePatience : Self.patience
        guard memory.waited > patience && memory.notes[0..<id].contains(where: { $0 != .eaten }) else {
            return true
        }
        memory.skipUntil[id] = memory.step + Self.skipSteps
        memory.exploreUntil = memory.step + Self.skipSteps
        memory.rendezvous = -1
        memory.waited = 0
        scene.foods[f].avoided = true
        return false
    }

    /// Where to explore. While the agent's row (column) is uncertain it heads for the nearer place
    /// that settles it: the rows below the view radius at the top (their window row is exact) or
    /// the bottom row (the mask shows the border); likewise for columns. Once located it tours the
    /// waypoints, starting with the one nearest to it; a waypoint is passed when reached or after
    /// 3 steps without a move toward it.
    private func explore(_ memory: inout LBFAgentMemory) -> LBFGoal {
        if memory.waypoint < 0 {
            memory.waypoint = waypoints.indices.min {
                abs(waypoints[$0].row - memory.row) + abs(waypoints[$0].col - memory.col)
                    < abs(waypoints[$1].row - memory.row) + abs(waypoints[$1].col - memory.col)
            } ?? 0
        }
        let point = waypoints[memory.waypoint]
        let located = memory.rows.count == 1 && memory.cols.count == 1
        if (located && point.row == memory.row && point.col == memory.col) || memory.stalled >= 3 {
            memory.waypoint = (memory.waypoint + 1) % waypoints.count
            memory.stalled = 0
        }
        return .cell(row: settling(memory.rows, estimate: memory.row, otherwise: waypoints[memory.waypoint].row),
                     col: settling(memory.cols, estimate: memory.col, otherwise: waypoints[memory.waypoint].col))
    }

    /// Along one axis: `otherwise` when the agent's coordinate is known, else the estimated
    /// coordinate of the nearer place that settles it (see `explore`).
    private func settling(_ range: ClosedRange<Int>, estimate: Int, otherwise: Int) -> Int {
        guard range.count > 1 else { return otherwise }
        let g = parameters.gridSize
        let up = range.upperBound - (parameters.fieldOfView - 1)
        let down = g - 1 - range.lowerBound
        return min(max(up <= down ? estimate - up : estimate + down, 0), g - 1)
    }

    /// Waypoints on a k×k lattice whose view windows cover the cells where foods can be (rows and
    /// columns 1…G−2), row by row in alternating directions; the last one leads back to the first.
    static func tour(_ parameters: LBFParameters) -> [(row: Int, col: Int)] {
        let g = parameters.gridSize
        let span = 2 * parameters.fieldOfView + 1
        let k = max(1, (g - 2 + span - 1) / span)
        let low = min(parameters.fieldOfView + 1, (g - 1) / 2)
        let high = max(g - 2 - parameters.fieldOfView, g / 2)
        let centres = k == 1 ? [(low + high) / 2] : (0..<k).map { low + $0 * (high - low) / (k - 1) }
        var points: [(row: Int, col: Int)] = []
        for (i, row) in centres.enumerated() {
            for col in i % 2 == 0 ? centres : centres.reversed() { points.append((row, col)) }
        }
        return points
    }
}
