extension ConnectorBoards {
    /// Every agent's scripted action: `shortestPathMove`, or with probability `epsilon` a uniformly
    /// random action among the stored mask's legal ones. Shape of `actions`: (copies, N).
    mutating func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        for copy in 0..<copies {
            for agent in 0..<agents {
                let index = copy * agents + agent
                if epsilon > 0 && rng.nextUnit() < epsilon {
                    actions[index] = Int32(randomLegalAction(index: index, rng: &rng))
                } else {
                    actions[index] = Int32(shortestPathMove(copy: copy, agent: agent))
                }
            }
        }
    }

    /// A uniformly random action among the stored mask's legal ones of flat agent `index`.
    func randomLegalAction(index: Int, rng: inout SplitMixGenerator) -> Int {
        let base = index * Self.actionCount
        var legal = 0
        for action in 0..<Self.actionCount { legal += Int(masks[base + action]) }
        var pick = rng.nextInt(below: legal)
        for action in 0..<Self.actionCount where masks[base + action] == 1 {
            if pick == 0 { return action }
            pick -= 1
        }
        return 0
    }

    /// The scripted action of one agent: the first move of a shortest path (breadth-first search on
    /// the current grid, through empty cells and the agent's own target) to its target; NOOP when
    /// connected or when the target is unreachable.
    mutating func shortestPathMove(copy: Int, agent: Int) -> Int {
        let a = copy * agents + agent
        let origin = Int(positions[a])
        let target = Int(targets[a])
        if origin == target { return 0 }
        let offset = copy * cells
        let ownTarget = Int32(3 * agent + 3)
        stamp &+= 1
        if stamp == Int32.max {
            for cell in 0..<cells { visitStamp[cell] = 0 }
            stamp = 1
        }
        visitStamp[origin] = stamp
        queue[0] = Int32(origin)
        var head = 0
        var tail = 1
        while head < tail {
            let cell = Int(queue[head])
            head += 1
            for action in 1...4 {
                guard let next = neighbour(of: cell, action: action), visitStamp[next] != stamp else { continue }
                let value = grid[offset + next]
                guard value == 0 || value == ownTarget else { continue }
                visitStamp[next] = stamp
                let move = cell == origin ? UInt8(action) : firstMove[cell]
                if next == target { return Int(move) }
                firstMove[next] = move
                queue[tail] = Int32(next)
                tail += 1
            }
        }
        return 0
    }
}
