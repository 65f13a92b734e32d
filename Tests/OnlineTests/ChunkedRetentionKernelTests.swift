import Kernels
import TensorCore
import TestSupport
import Testing

/// Chunkwise retention with a carried state (online-sable.md §1.7, P12) for one sample and head:
/// outputs equal the recurrent form step by step (decay, zero at episode starts, add the timestep's
/// tokens, read), from a nonzero initial state, for chunk sizes that put episode starts inside
/// chunks and on their boundaries; the backward matches finite differences in Q, K, V and the
/// initial state.
@Suite struct ChunkedRetentionKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        let causal: Bool
        /// d = 4 runs the products' loop, d = 16 BLAS.
        let headSize: Int
        var description: String { "causal \(causal), d \(headSize)" }
    }

    static let cases = [Case(causal: false, headSize: 4), Case(causal: true, headSize: 4), Case(causal: true, headSize: 16),
                        Case(causal: false, headSize: 16)]
    static let steps = 7, agents = 2, kappa: Float = 0.775
    /// Episode starts at timesteps 3 and 4: chunks of 3 see one on a boundary and one inside, chunks of 2 the reverse.
    static let starts: Set<Int> = [3, 4]

    /// The sample's inputs: Q, K, V (L, d) and the initial state (d, d), random.
    static func inputs(headSize d: Int, seed: UInt64) -> [[Float]] {
        var random = RandomStream(seed: seed)
        let l = steps * agents
        return [l * d, l * d, l * d, d * d].map { count in (0..<count).map { _ in Float(random.nextNormal()) } }
    }

    /// The recurrent form in Float64: per timestep S ← κS (0 at an episode start), then the tokens
    /// (all at once, or one by one when causal) add kᵀv and read y = q S.
    static func recurrent(_ x: [[Float]], headSize d: Int, causal: Bool) -> [Double] {
        var s = x[3].map(Double.init)
        var y = [Double](repeating: 0, count: steps * agents * d)
        func add(_ j: Int) {
            for a in 0..<d { for b in 0..<d { s[a * d + b] += Double(x[1][j * d + a]) * Double(x[2][j * d + b]) } }
        }
        func read(_ j: Int) {
            for b in 0..<d { y[j * d + b] = (0..<d).reduce(0.0) { $0 + Double(x[0][j * d + $1]) * s[$1 * d + b] } }
        }
        for t in 0..<steps {
            for i in s.indices { s[i] = starts.contains(t) ? 0 : s[i] * Double(kappa) }
            let tokens = (t * agents)..<((t + 1) * agents)
            if causal {
                for j in tokens { add(j); read(j) }
            } else {
                for j in tokens { add(j) }
                for j in tokens { read(j) }
            }
        }
        return y
    }

    /// Runs the kernel on `x` in chunks of `chunk`; returns Y and, with `dy`, dQ, dK, dV, dS_0.
    final class Runner {
        let workspace = Workspace()
        let d, l, chunk: Int
        let causal: Bool
        let q, k, v, y, dq, dk, dv, dy, scores, scoreGradients, temporary, stateGradient, initial, initialGradient: Matrix
        let powers: UnsafeMutablePointer<Float>
        let firstVisible, visibleSteps: UnsafeMutablePointer<Int32>
        let entries: UnsafeMutablePointer<Float>

        init(headSize: Int, chunk: Int, causal: Bool) {
            d = headSize
            l = ChunkedRetentionKernelTests.steps * ChunkedRetentionKernelTests.agents
            self.chunk = chunk
            self.causal = causal
            let ws = workspace, steps = ChunkedRetentionKernelTests.steps, tokens = chunk * ChunkedRetentionKernelTests.agents
            func padded(_ rows: Int, _ cols: Int) -> Matrix {
                let stride = AlignedBuffer.paddedCount(cols)
                return Matrix(ws.floats(rows * stride), rows: rows, cols: cols, stride: stride)
            }
            (q, k, v, y, dq, dk, dv, dy) = (ws.matrix(l, d), ws.matrix(l, d), ws.matrix(l, d), ws.matrix(l, d),
                                            ws.matrix(l, d), ws.matrix(l, d), ws.matrix(l, d), ws.matrix(l, d))
            scores = padded(tokens, tokens)
            scoreGradients = padded(tokens, tokens)
            temporary = padded(tokens, d)
            stateGradient = ws.matrix(d, d)
            initial = ws.matrix(d, d)
            initialGradient = ws.matrix(d, d)
            powers = ws.floats(steps + 1)
            var w: Float = 1
            for t in 0...steps { powers[t] = w; w *= ChunkedRetentionKernelTests.kappa }
            let chunks = (steps + chunk - 1) / chunk
            firstVisible = ws.integers(steps)
            visibleSteps = ws.integers(chunks)
            entries = ws.floats((chunks - 1) * d * d)
            CarriedState.visibility(steps: steps, chunkSteps: chunk, startsEpisode: { ChunkedRetentionKernelTests.starts.contains($0) },
                                    firstVisible: firstVisible, visibleSteps: visibleSteps)
        }

        var decay: DecayPattern {
            DecayPattern(powers: powers, firstVisible: firstVisible, agents: ChunkedRetentionKernelTests.agents, causal: causal)
        }

        func state(withInitial: Bool) -> CarriedState {
            CarriedState(chunkSteps: chunk, visibleSteps: visibleSteps, initial: withInitial ? UnsafePointer(initial.pointer) : nil,
                         entries: entries)
        }

        func load(_ x: [[Float]]) {
            for (m, values) in zip([q, k, v, initial], x) { for i in values.indices { m.pointer[i] = values[i] } }
        }

        func forward(_ x: [[Float]]) -> [Float] {
            load(x)
            ChunkedRetentionKernel.forward(q: q, k: k, v: v, decay: decay, state: state(withInitial: true), scores: scores,
                                           temporary: temporary, into: y)
            return Array(UnsafeBufferPointer(start: y.pointer, count: l * d))
        }

        /// Gradients of Σ y ⊙ r.
        func gradients(_ x: [[Float]], r: [Float]) -> [[Float]] {
            _ = forward(x)
            for i in r.indices { dy.pointer[i] = r[i] }
            ChunkedRetentionKernel.backward(dy: dy, q: q, k: k, v: v, decay: decay, state: state(withInitial: true),
                                            scores: scores, scratch: scoreGradients, temporary: temporary,
                                            stateGradient: stateGradient, dq: dq, dk: dk, dv: dv, initialGradient: initialGradient)
            return [dq, dk, dv, initialGradient].map { Array(UnsafeBufferPointer(start: $0.pointer, count: $0.rows * $0.cols)) }
        }
    }

    @Test(arguments: cases)
    func chunkedFormEqualsRecurrentForm(_ c: Case) {
        let x = Self.inputs(headSize: c.headSize, seed: 3)
        let expected = Self.recurrent(x, headSize: c.headSize, causal: c.causal)
        #expect(expected.contains { abs($0) > 1 })
        for chunk in [Self.steps, 4, 3, 2, 1] {
            let y = Runner(headSize: c.headSize, chunk: chunk, causal: c.causal).forward(x)
            let worst = zip(y, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-5, "chunks of \(chunk): largest relative deviation from the recurrent form \(worst)")
        }
    }

    /// Without an initial state and in one chunk the kernel is the parallel kernel, bit for bit.
    @Test func oneChunkWithoutStateIsTheParallelKernel() {
        let x = Self.inputs(headSize: 4, seed: 8)
        let runner = Runner(headSize: 4, chunk: Self.steps, causal: true)
        runner.load(x)
        ChunkedRetentionKernel.forward(q: runner.q, k: runner.k, v: runner.v, decay: runner.decay,
                                       state: runner.state(withInitial: false), scores: runner.scores,
                                       temporary: runner.temporary, into: runner.y)
        let chunked = Array(UnsafeBufferPointer(start: runner.y.pointer, count: runner.l * 4))
        RetentionKernel.forward(q: runner.q, k: runner.k, v: runner.v, decay: runner.decay, scores: runner.scores, into: runner.y)
        #expect(chunked == Array(UnsafeBufferPointer(start: runner.y.pointer, count: runner.l * 4)))
    }

    @Test(arguments: cases)
    func backwardMatchesFiniteDifferences(_ c: Case) {
        let x = Self.inputs(headSize: c.headSize, seed: 11)
        var random = RandomStream(seed: 12)
        let r = (0..<(Self.steps * Self.agents * c.headSize)).map { _ in Float(random.nextNormal()) }
        for chunk in [3, 2] {
            let runner = Runner(headSize: c.headSize, chunk: chunk, causal: c.causal)
            let gradient = runner.gradients(x, r: r)
            let results = GradientChecker.check(point: x, gradient: gradient, directions: 3) { point in
                zip(runner.forward(point), r).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            for result in results { #expect(result.passed, "chunks of \(chunk): \(result)") }
            #expect(results.count == 12)
            #expect(gradient[3].contains { abs($0) > 1e-2 }, "the initial state gets no gradient")
        }
    }
}
