import Foundation

extension ConnectorBoards {
    /// Draws a new instance into copy `copy` with the random-walk generator (spec §3).
    ///
    /// Agents in id order pick a start uniformly among empty cells with an empty in-grid neighbour
    /// (path of k) and a first step uniformly among its empty neighbours (head of k). Then, while some
    /// agent can move and the counter (from 1) is below `walkMaxSteps`, all agents move at once: agent
    /// k picks a legal move a with probability ∝ exp(d_a / temperature), d = (-Δr, Δc, Δr, -Δc) for
    /// (up, right, down, left), (Δr, Δc) = position − start; clashes as in the step (lower id stays).
    /// Targets are the walks' ends; the returned grid holds only heads at starts and targets.
    /// Properties: start ≠ target, all 2N cells distinct, every instance solvable (the walks).
    mutating func generate(copy: Int, rng: inout SplitMixGenerator) {
        let first = copy * agents
        let offset = copy * cells
        for cell in 0..<cells { grid[offset + cell] = 0 }
        for k in 0..<agents {
            let start = pickCell(copy: copy, rng: &rng) { cell in
                grid[offset + cell] == 0 && hasEmptyNeighbour(copy: copy, cell: cell)
            }
            grid[offset + start] = Int32(3 * k + 1)
            var choices = [Int](repeating: 0, count: 4)
            var count = 0
            for action in 1...4 {
                if let next = neighbour(of: start, action: action), grid[offset + next] == 0 {
                    choices[count] = next
                    count += 1
                }
            }
            let head = choices[rng.nextInt(below: count)]
            grid[offset + head] = Int32(3 * k + 2)
            starts[first + k] = Int32(start)
            positions[first + k] = Int32(head)
        }
        var counter = 1
        while counter < parameters.walkMaxSteps {
            var anyMove = false
            for k in 0..<agents {
                let move = walkMove(copy: copy, agent: k, rng: &rng)
                anyMove = anyMove || move != 0
                let cell = Int(positions[first + k])
                proposed[k] = Int32(cell + Self.rowStep[move] * side + Self.colStep[move])
            }
            if !anyMove { break }
            for k in 0..<agents where proposed[k] != positions[first + k] {
                if ((k + 1)..<agents).contains(where: { proposed[$0] == proposed[k] }) { continue }
                grid[offset + Int(positions[first + k])] = Int32(3 * k + 1)
                grid[offset + Int(proposed[k])] = Int32(3 * k + 2)
                positions[first + k] = proposed[k]
            }
            counter += 1
        }
        for cell in 0..<cells { grid[offset + cell] = 0 }
        for k in 0..<agents {
            targets[first + k] = positions[first + k]
            positions[first + k] = starts[first + k]
            grid[offset + Int(starts[first + k])] = Int32(3 * k + 2)
            grid[offset + Int(targets[first + k])] = Int32(3 * k + 3)
        }
        stepCounts[copy] = 0
        for k in 0..<agents {
            updateMask(copy: copy, agent: k)
            agentRewards[first + k] = 0
        }
    }

    /// Whether some in-grid 4-neighbour of `cell` is empty (the cell is "not surrounded").
    func hasEmptyNeighbour(copy: Int, cell: Int) -> Bool {
        (1...4).contains { action in
            guard let next = neighbour(of: cell, action: action) else { return false }
            return grid[copy * cells + next] == 0
        }
    }

    /// A cell drawn uniformly among those satisfying `isCandidate` (at least one must).
    func pickCell(copy: Int, rng: inout SplitMixGenerator, where isCandidate: (Int) -> Bool) -> Int {
        let count = (0..<cells).reduce(0) { $0 + (isCandidate($1) ? 1 : 0) }
        precondition(count > 0, "Connector generator found no free start cell; parameters were not validated")
        var remaining = rng.nextInt(below: count)
        for cell in 0..<cells where isCandidate(cell) {
            if remaining == 0 { return cell }
            remaining -= 1
        }
        preconditionFailure("unreachable: candidate count changed")
    }

    /// The random walk's move for one agent (0 when it has no empty neighbour).
    func walkMove(copy: Int, agent: Int, rng: inout SplitMixGenerator) -> Int {
        let a = copy * agents + agent
        let cell = Int(positions[a])
        let start = Int(starts[a])
        let dr = Double(cell / side - start / side)
        let dc = Double(cell % side - start % side)
        let drift = [0, -dr, dc, dr, -dc]
        var weights = [Double](repeating: 0, count: 5)
        var total = 0.0
        for action in 1...4 {
            guard let next = neighbour(of: cell, action: action), grid[copy * cells + next] == 0 else { continue }
            weights[action] = exp(drift[action] / parameters.walkTemperature)
            total += weights[action]
        }
        if total == 0 { return 0 }
        var u = rng.nextUnit() * total
        var last = 0
        for action in 1...4 where weights[action] > 0 {
            if u < weights[action] { return action }
            u -= weights[action]
            last = action
        }
        return last  // rounding left u just above the last weight
    }
}
