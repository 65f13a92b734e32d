extension LBFBatch {
    /// Copy `copy` as a text grid, one row per line, 3 characters a cell; the legend comes first.
    public func render(copy: Int) -> String {
        let snapshot = state.snapshot(copy: copy)
        let g = parameters.gridSize
        var cells = Array(repeating: " . ", count: g * g)
        for food in snapshot.foods where !food.isEaten {
            cells[food.row * g + food.col] = "f" + String(food.level).padding(toLength: 2, withPad: " ", startingAt: 0)
        }
        for (i, agent) in snapshot.agents.enumerated() {
            let letter = Character(UnicodeScalar(UInt8(65 + i % 26)))
            cells[agent.row * g + agent.col] = "\(letter)\(agent.level)\(agent.isLoading ? "*" : " ")"
        }
        let eaten = snapshot.foods.filter(\.isEaten).count
        var lines = [
            "legend: A,B,.. agent by id + level (* = loading), f food + level, . empty | step "
                + "\(snapshot.stepCount)/\(timeLimit), food eaten \(eaten)/\(snapshot.foods.count)"
        ]
        for row in 0..<g { lines.append(cells[(row * g)..<(row * g + g)].joined()) }
        return lines.joined(separator: "\n")
    }
}
