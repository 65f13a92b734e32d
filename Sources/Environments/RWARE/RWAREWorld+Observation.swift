extension RWAREWorld {
    /// Writes agent `i`'s observation of copy `c` into `buffer[offset ..< offset + D]` (spec §6).
    ///
    /// Layout: own row, col, carrying, direction one-hot(4), own-cell highway flag; then per window
    /// cell (row-major, own cell skipped) `[1, one-hot(dir)]` for another agent; then per window cell
    /// `[1, requested]` for a shelf. Written with jumanji's cursor rule: an empty cell advances the
    /// cursor, the own id does not, and a write past `D − L` is clamped to `D − L`.
    func writeObservation(copy c: Int, agent i: Int, into buffer: inout [Float], offset: Int) {
        let d = parameters.observationSize
        let r = parameters.sensorRange
        let w = layout.width
        let h = layout.height
        let a = c * agentCount + i
        let g0 = c * cellCount
        let row = agentRow[a]
        let col = agentCol[a]
        buffer[offset] = Float(row)
        buffer[offset + 1] = Float(col)
        buffer[offset + 2] = agentCarrying[a] ? 1 : 0
        for k in 0..<4 { buffer[offset + 3 + k] = agentDirection[a] == k ? 1 : 0 }
        buffer[offset + 7] = layout.isHighway[row * w + col] ? 1 : 0
        let ownId = Int32(i + 1)
        if agentGrid[g0 + row * w + col] == ownId {
            writeConsistentView(copy: c, row: row, col: col, into: &buffer, at: offset + 8)
            return
        }
        for k in (offset + 8)..<(offset + d) { buffer[k] = 0 }
        var cursor = 8
        for vr in (row - r)...(row + r) {
            for vc in (col - r)...(col + r) {
                let id = vr >= 0 && vr < h && vc >= 0 && vc < w ? agentGrid[g0 + vr * w + vc] : 0
                if id == ownId { continue }
                if id != 0 {
                    let at = offset + min(cursor, d - 5)
                    buffer[at] = 1
                    buffer[at + 1] = 0
                    buffer[at + 2] = 0
                    buffer[at + 3] = 0
                    buffer[at + 4] = 0
                    buffer[at + 1 + agentDirection[c * agentCount + Int(id) - 1]] = 1
                }
                cursor += 5
            }
        }
        for vr in (row - r)...(row + r) {
            for vc in (col - r)...(col + r) {
                let sid = vr >= 0 && vr < h && vc >= 0 && vc < w ? Int(shelfGrid[g0 + vr * w + vc]) : 0
                if sid != 0 {
                    let at = offset + min(cursor, d - 2)
                    buffer[at] = 1
                    buffer[at + 1] = shelfRequested[c * shelfCount + sid - 1] ? 1 : 0
                }
                cursor += 2
            }
        }
    }

    /// The view part (from `start`, offset 8 of the observation) of the agent at (`row`, `col`) of
    /// copy `c` when its own cell holds its own id: every block then has its table position (no
    /// clamping), so the values are written in order without clearing first.
    private func writeConsistentView(copy c: Int, row: Int, col: Int, into buffer: inout [Float], at start: Int) {
        let r = parameters.sensorRange
        let w = layout.width
        let h = layout.height
        let g0 = c * cellCount
        var k = start
        for vr in (row - r)...(row + r) {
            for vc in (col - r)...(col + r) where vr != row || vc != col {
                let id = vr >= 0 && vr < h && vc >= 0 && vc < w ? Int(agentGrid[g0 + vr * w + vc]) : 0
                if id == 0 {
                    for j in 0..<5 { buffer[k + j] = 0 }
                } else {
                    let direction = agentDirection[c * agentCount + id - 1]
                    buffer[k] = 1
                    for j in 0..<4 { buffer[k + 1 + j] = direction == j ? 1 : 0 }
                }
                k += 5
            }
        }
        for vr in (row - r)...(row + r) {
            for vc in (col - r)...(col + r) {
                let sid = vr >= 0 && vr < h && vc >= 0 && vc < w ? Int(shelfGrid[g0 + vr * w + vc]) : 0
                buffer[k] = sid == 0 ? 0 : 1
                buffer[k + 1] = sid != 0 && shelfRequested[c * shelfCount + sid - 1] ? 1 : 0
                k += 2
            }
        }
    }
}
