import Foundation
import Kernels
import Model
import Testing

/// The timestep code of online-sable.md §1.3 (P11) by hand: at E = 4 the frequencies are 1 and
/// 10000^(−1/2) = 0.01, so step p adds [sin p, cos p, sin 0.01p, cos 0.01p], for steps inside the
/// precomputed table and beyond it.
@Suite struct TimestepEncodingTests {
    @Test func codeByHand() {
        let workspace = Workspace()
        let encoding = TimestepEncoding(embedding: 4, workspace: workspace)
        let x = workspace.matrix(2, 4), out = workspace.matrix(2, 4)
        for c in 0..<4 { x[1, c] = Float(c) }
        // 37 and 511 come from the table of the first 512 steps, 512 and 1500 are computed per row.
        for (row, step) in [(0, 0), (1, 37), (1, 511), (0, 512), (1, 1500)] {
            encoding.add(x, row: row, step: Int32(step), into: out)
            let p = Double(step)
            let expected = [sin(p), cos(p), sin(0.01 * p), cos(0.01 * p)].enumerated().map { Double(x[row, $0]) + $1 }
            for c in 0..<4 { #expect(abs(Double(out[row, c]) - expected[c]) <= 1e-5, "step \(step) column \(c): \(out[row, c]) vs \(expected[c])") }
        }
    }
}
