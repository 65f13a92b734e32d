import Foundation

extension ConnectorBatch {
    /// Copy `copy`'s grid as text: a legend line, a status line, then one row of 3-character cells
    /// per grid row (`Hk` head of k, `Ck` head of k on its target, `Tk` target of k, `pk` path of k).
    public func render(copy: Int) -> String {
        let side = parameters.gridSize
        let state = boards.state(copy: copy)
        var lines = ["legend: . empty, Hk head of agent k, Ck connected head, Tk target, pk path (k = agent id)"]
        let connected = (0..<agentCount).filter { state.positions[$0] == state.targets[$0] }.count
        lines.append("step \(state.stepCount)/\(timeLimit), connected \(connected)/\(agentCount)")
        for r in 0..<side {
            var line = ""
            for c in 0..<side {
                let value = state.grid[r][c]
                let owner = (value - 1) / 3
                let token: String
                switch value == 0 ? -1 : value % 3 {
                case -1: token = "."
                case 1: token = "p\(owner)"
                case 2: token = (state.targets[owner] == GridCell(row: r, col: c) ? "C" : "H") + "\(owner)"
                default: token = "T\(owner)"
                }
                line += token.padding(toLength: 4, withPad: " ", startingAt: 0)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
