import Foundation
import Testing
import TapeReference
import TensorCore
import TestSupport

/// Training with the tape reuses its memory: 1,000 steps of a small MLP do not grow the
/// workspace or the process's resident set.
@Suite struct MemoryStabilityTests {
    /// Resident set size in bytes, from /proc/self/statm (second field, in pages).
    static func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = statm.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil, "unexpected /proc/self/statm: \(statm)")
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func trainingSmallMLPKeepsMemoryFlat() throws {
        let (batch, inSize, hidden, classes) = (64, 16, 64, 4)
        var layout = ArenaLayout()
        let w1 = layout.add("w1", shape: [inSize, hidden]), b1 = layout.add("b1", shape: [hidden])
        let w2 = layout.add("w2", shape: [hidden, classes]), b2 = layout.add("b2", shape: [classes])
        let parameters = ParameterArena(layout: layout), gradients = ParameterArena(layout: layout)
        var s = RandomStream(seed: 31)
        for slice in [w1, w2] {
            parameters.setValues((0..<slice.count).map { _ in Float(s.nextNormal()) / Float(slice.rows).squareRoot() }, of: slice)
        }
        // Labels from a fixed random teacher, so the loss can go down.
        let x = Tensor.uniform([batch, inSize], stream: &s)
        let teacher = Tensor.uniform([inSize, classes], stream: &s)
        let scoring = Tape()
        let scores = scoring.matmul(scoring.constant(x), scoring.constant(teacher)).value.toArray()
        let labels = (0..<batch).map { r in Int32((0..<classes).max { scores[r * classes + $0] < scores[r * classes + $1] }!) }
        let targets = scoring.oneHot(labels, classes: classes).value

        let tape = Tape()
        let adam = AdamOptimizer(parameterCount: layout.totalCount, settings: .init(learningRate: 1e-2))
        var firstLoss: Float = 0, lastLoss: Float = 0
        var residentAt100 = 0, capacityAt2 = 0
        for step in 1...1_000 {
            tape.reset()
            gradients.zero()
            let p = { (slice: ParameterSlice) in tape.parameter(slice, values: parameters, gradients: gradients) }
            let h = tape.gelu(tape.linear(tape.constant(x), weight: p(w1), bias: p(b1)))
            let logits = tape.linear(h, weight: p(w2), bias: p(b2))
            let loss = tape.mean(tape.crossEntropy(logits: logits, softTargets: targets))
            tape.backward(from: loss)
            adam.step(parameters: parameters.buffer, gradients: gradients.buffer)
            if step == 1 { firstLoss = loss.value[flat: 0] }
            if step == 2 { capacityAt2 = tape.workspace.capacity }
            if step == 100 { residentAt100 = try Self.residentBytes() }
            lastLoss = loss.value[flat: 0]
        }
        let residentAt1000 = try Self.residentBytes()
        #expect(tape.workspace.capacity == capacityAt2, "workspace grew from \(capacityAt2) to \(tape.workspace.capacity) floats")
        // Leaking the workspace every step would add 900 × its size between steps 100 and 1,000
        // (≥ 100 MB); the bound is a quarter of that, so allocator noise from the suites running
        // alongside in this process (several MB) does not trip it.
        let leakBound = 900 * capacityAt2 * MemoryLayout<Float>.stride / 4
        #expect(residentAt1000 - residentAt100 < leakBound,
                "resident set grew from \(residentAt100) to \(residentAt1000) bytes between steps 100 and 1,000 (bound \(leakBound))")
        #expect(lastLoss < 0.5 * firstLoss, "training did not progress: loss \(firstLoss) -> \(lastLoss)")
    }
}
