extension ConnectorBoards {
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
