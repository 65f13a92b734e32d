/// The scripted RWARE policy (a fetch–deliver–return loop), with reusable scratch buffers.
///
/// Per copy: non-carrying agents are matched greedily to the free requested shelves, nearest pair
/// first (Manhattan distance: unloaded agents walk under shelves), so no two chase the same one.
/// A carrier of a requested shelf walks to a goal, a carrier of an unrequested shelf to the nearest
/// empty slot, where it drops it; both along shelf-free cells (BFS). Idle agents park under
/// unrequested shelves, off the corridors. Moves are ordered to avoid jumanji's collisions: an agent
/// only steps into a cell that is empty, or that a lower-index agent leaves this step, and that no
/// earlier agent claimed (§4 "following"). With probability ε an agent takes a uniformly random
/// legal action instead.
struct RWAREHeuristic {
    private var assignedShelf: [Int]
    private var slotTaken: [Bool]
    private var claimed: [Bool]
    private var movesAway: [Bool]
    private var firstDirection: [Int]
    private var visitStamp: [Int]
    private var stamp = 0
    private var queue: [Int]

    init(world: RWAREWorld) {
        assignedShelf = [Int](repeating: -1, count: world.agentCount)
        slotTaken = [Bool](repeating: false, count: world.queueSize)
        claimed = [Bool](repeating: false, count: world.cellCount)
        movesAway = [Bool](repeating: false, count: world.agentCount)
        firstDirection = [Int](repeating: 0, count: world.cellCount)
        visitStamp = [Int](repeating: 0, count: world.cellCount)
        queue = [Int](repeating: 0, count: world.cellCount)
    }

    /// Where an agent wants to go.
    private enum Destination {
        case cell(Int), goals, emptySlot, parking
    }

    /// Writes the actions of every agent of copy `c` into `actions[c·N ..< (c+1)·N]`.
    mutating func act(
        world: RWAREWorld, copy c: Int, epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]
    ) {
        let n = world.agentCount
        let w = world.layout.width
        let a0 = c * n
        assignShelves(world: world, copy: c)
        for i in 0..<n {
            let a = a0 + i
            let cell = world.agentRow[a] * w + world.agentCol[a]
            var action: Int
            if rng.nextUnit() < epsilon {
                action = rng.nextInt(below: world.forwardLegal[a] ? 5 : 4)
                if !world.forwardLegal[a] && action >= RWAREAction.forward { action += 1 }
            } else {
                action = plannedAction(world: world, copy: c, agent: i, cell: cell)
                if action == RWAREAction.forward
                    && !isSafeToEnter(world: world, copy: c, agent: i, cell: forwardCell(world: world, agent: a))
                {
                    action = waitAction(world: world, agent: a, cell: cell)
                }
            }
            movesAway[i] = false
            if action == RWAREAction.forward {
                let target = forwardCell(world: world, agent: a)
                claimed[target] = true
                movesAway[i] = target != cell
            }
            actions[a] = Int32(action)
        }
        for i in 0..<n where actions[a0 + i] == Int32(RWAREAction.forward) {
            claimed[forwardCell(world: world, agent: a0 + i)] = false
        }
    }

    /// The scripted (non-random) choice of agent `i`, before collision checks.
    private mutating func plannedAction(world: RWAREWorld, copy c: Int, agent i: Int, cell: Int) -> Int {
        let a = c * world.agentCount + i
        let g0 = c * world.cellCount
        let destination: Destination
        if world.agentCarrying[a] {
            let sid = Int(world.shelfGrid[g0 + cell])
            if sid > 0 && world.shelfRequested[c * world.shelfCount + sid - 1] {
                destination = .goals
            } else if !world.layout.isHighway[cell] {
                return RWAREAction.toggleLoad
            } else {
                destination = .emptySlot
            }
        } else if assignedShelf[i] >= 0 {
            let shelfCell = world.shelfCell[c * world.shelfCount + assignedShelf[i]]
            if shelfCell == cell { return RWAREAction.toggleLoad }
            destination = .cell(shelfCell)
        } else {
            if !world.layout.isHighway[cell] { return RWAREAction.noop }
            destination = .parking
        }
        let avoidsShelves = world.agentCarrying[a]
        let want =
            firstStep(world: world, copy: c, from: cell, to: destination, avoidsShelves: avoidsShelves, avoidsAgents: true)
            ?? firstStep(
                world: world, copy: c, from: cell, to: destination, avoidsShelves: avoidsShelves, avoidsAgents: false)
        guard let want else { return waitAction(world: world, agent: a, cell: cell) }
        let facing = world.agentDirection[a]
        if want == facing { return RWAREAction.forward }
        return (facing + 1) & 3 == want ? RWAREAction.right : RWAREAction.left
    }

    /// Greedy matching of non-carrying agents to free requested shelves, nearest pair first.
    private mutating func assignShelves(world: RWAREWorld, copy c: Int) {
        let n = world.agentCount
        let w = world.layout.width
        let g0 = c * world.cellCount
        for i in 0..<n { assignedShelf[i] = -1 }
        for j in 0..<world.queueSize {
            let cell = world.shelfCell[c * world.shelfCount + world.requestQueue[c * world.queueSize + j]]
            let holder = Int(world.agentGrid[g0 + cell])
            slotTaken[j] = holder > 0 && world.agentCarrying[c * n + holder - 1]
        }
        while true {
            var best = (distance: Int.max, agent: -1, slot: -1)
            for i in 0..<n where assignedShelf[i] < 0 && !world.agentCarrying[c * n + i] {
                for j in 0..<world.queueSize where !slotTaken[j] {
                    let cell = world.shelfCell[c * world.shelfCount + world.requestQueue[c * world.queueSize + j]]
                    let distance =
                        abs(cell / w - world.agentRow[c * n + i]) + abs(cell % w - world.agentCol[c * n + i])
                    if distance < best.distance { best = (distance, i, j) }
                }
            }
            guard best.agent >= 0 else { return }
            assignedShelf[best.agent] = world.requestQueue[c * world.queueSize + best.slot]
            slotTaken[best.slot] = true
        }
    }

    /// First direction of a shortest 4-connected path from `start` to `destination` (BFS), or nil.
    private mutating func firstStep(
        world: RWAREWorld, copy c: Int, from start: Int, to destination: Destination, avoidsShelves: Bool,
        avoidsAgents: Bool
    ) -> Int? {
        let w = world.layout.width
        let h = world.layout.height
        let g0 = c * world.cellCount
        stamp += 1
        visitStamp[start] = stamp
        queue[0] = start
        var head = 0
        var tail = 1
        while head < tail {
            let cell = queue[head]
            head += 1
            let row = cell / w
            let col = cell % w
            for d in 0..<4 {
                let r = row + RWAREDirection.rowStep[d]
                let k = col + RWAREDirection.colStep[d]
                guard r >= 0 && r < h && k >= 0 && k < w else { continue }
                let next = r * w + k
                guard visitStamp[next] != stamp else { continue }
                visitStamp[next] = stamp
                if avoidsAgents && world.agentGrid[g0 + next] != 0 { continue }
                if avoidsShelves && world.shelfGrid[g0 + next] != 0 { continue }
                firstDirection[next] = cell == start ? d : firstDirection[cell]
                if isDestination(world: world, copy: c, cell: next, destination) { return firstDirection[next] }
                queue[tail] = next
                tail += 1
            }
        }
        return nil
    }

    private func isDestination(world: RWAREWorld, copy c: Int, cell: Int, _ destination: Destination) -> Bool {
        switch destination {
        case .cell(let target): return cell == target
        case .goals: return cell == world.layout.goals.0 || cell == world.layout.goals.1
        case .emptySlot: return !world.layout.isHighway[cell] && world.shelfGrid[c * world.cellCount + cell] == 0
        case .parking:
            let sid = Int(world.shelfGrid[c * world.cellCount + cell])
            return !world.layout.isHighway[cell] && sid > 0 && !world.shelfRequested[c * world.shelfCount + sid - 1]
        }
    }

    /// True when agent `i` may step into `cell` now without a collision: the cell is empty or left
    /// this step by a lower-index agent, and no earlier agent claimed it.
    private func isSafeToEnter(world: RWAREWorld, copy c: Int, agent i: Int, cell: Int) -> Bool {
        if claimed[cell] { return false }
        let occupant = Int(world.agentGrid[c * world.cellCount + cell])
        return occupant == 0 || occupant == i + 1 || (occupant - 1 < i && movesAway[occupant - 1])
    }

    /// Standing still: NOOP, except a carrier on a slot turns instead (NOOP would drop its shelf).
    private func waitAction(world: RWAREWorld, agent a: Int, cell: Int) -> Int {
        world.agentCarrying[a] && !world.layout.isHighway[cell] ? RWAREAction.left : RWAREAction.noop
    }

    private func forwardCell(world: RWAREWorld, agent a: Int) -> Int {
        let d = world.agentDirection[a]
        let row = min(max(world.agentRow[a] + RWAREDirection.rowStep[d], 0), world.layout.height - 1)
        let col = min(max(world.agentCol[a] + RWAREDirection.colStep[d], 0), world.layout.width - 1)
        return row * world.layout.width + col
    }
}
