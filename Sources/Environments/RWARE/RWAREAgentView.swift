/// One agent's observation row (spec §6) read back into named fields: its own cell, load and
/// facing, and what its `(2r+1)²` window shows of other agents and shelves. Window cells are
/// addressed by offsets (`dRow`, `dCol`) from the agent, each in `−r ... r`.
struct RWAREAgentView {
    let range: Int
    private(set) var row = 0
    private(set) var col = 0
    private(set) var carrying = false
    private(set) var facing = 0
    /// Per window cell (row-major): the facing of another agent there, or −1.
    private var agentFacing: [Int]
    /// Per window cell (row-major): 0 no shelf, 1 a shelf, 2 a requested shelf.
    private var shelf: [Int]

    init(sensorRange: Int) {
        range = sensorRange
        let cells = (2 * sensorRange + 1) * (2 * sensorRange + 1)
        agentFacing = [Int](repeating: -1, count: cells)
        shelf = [Int](repeating: 0, count: cells)
    }

    /// Reads the row that starts at `offset` in `observations`.
    mutating func read(_ observations: [Float], at offset: Int) {
        row = Int(observations[offset].rounded())
        col = Int(observations[offset + 1].rounded())
        carrying = observations[offset + 2] > 0.5
        facing = (0..<4).max { observations[offset + 3 + $0] < observations[offset + 3 + $1] } ?? 0
        let cells = shelf.count
        let center = cells / 2
        for cell in 0..<cells {
            if cell == center {
                agentFacing[cell] = -1
            } else {
                let block = offset + 8 + 5 * (cell < center ? cell : cell - 1)
                agentFacing[cell] =
                    observations[block] > 0.5
                    ? (0..<4).max { observations[block + 1 + $0] < observations[block + 1 + $1] } ?? 0 : -1
            }
            let pair = offset + 8 + 5 * (cells - 1) + 2 * cell
            shelf[cell] = observations[pair] > 0.5 ? (observations[pair + 1] > 0.5 ? 2 : 1) : 0
        }
    }

    private func index(_ dRow: Int, _ dCol: Int) -> Int? {
        guard abs(dRow) <= range && abs(dCol) <= range else { return nil }
        return (dRow + range) * (2 * range + 1) + dCol + range
    }

    /// The facing of another agent at the offset, nil if none is there or the cell is out of view.
    func agent(_ dRow: Int, _ dCol: Int) -> Int? {
        guard let i = index(dRow, dCol), agentFacing[i] >= 0 else { return nil }
        return agentFacing[i]
    }

    /// Whether a shelf is at the offset (false out of view).
    func hasShelf(_ dRow: Int, _ dCol: Int) -> Bool { index(dRow, dCol).map { shelf[$0] > 0 } ?? false }

    /// Whether a requested shelf is at the offset (false out of view).
    func hasRequestedShelf(_ dRow: Int, _ dCol: Int) -> Bool { index(dRow, dCol).map { shelf[$0] == 2 } ?? false }
}
