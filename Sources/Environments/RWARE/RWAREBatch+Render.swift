extension RWAREBatch {
    /// The grid of copy `copy` as text, two characters per cell, legend on the first line.
    public func render(copy c: Int) -> String {
        let state = world.state(copy: c)
        let w = world.layout.width
        let h = world.layout.height
        let arrows: [Character] = ["^", ">", "v", "<"]
        var cells = [String](repeating: " .", count: w * h)
        for s in 0..<world.shelfCount {
            cells[world.layout.slotCells[s]] = " _"
        }
        cells[world.layout.goals.0] = " G"
        cells[world.layout.goals.1] = " G"
        for (s, p) in state.shelfPositions.enumerated() {
            cells[p.row * w + p.col] = state.shelfRequested[s] ? " R" : " s"
        }
        for (i, p) in state.agentPositions.enumerated() {
            let letter = Character(UnicodeScalar(UInt8(65 + i % 26)))
            let name = state.agentCarrying[i] ? Character(letter.lowercased()) : letter
            cells[p.row * w + p.col] = String([name, arrows[state.agentDirections[i]]])
        }
        var text =
            "legend: A^ agent A facing ^ (lowercase: carrying a shelf), R requested shelf, s shelf, "
            + "_ empty slot, . floor, G goal; step \(state.stepCount), queue \(state.requestQueue)\n"
        for row in 0..<h {
            text += cells[(row * w)..<((row + 1) * w)].joined() + "\n"
        }
        return text
    }
}
