import Testing
import TensorCore

/// The compute-thread layer: chunk dealing, deterministic partial sums, and products split across
/// workers giving the single-threaded result.
@Suite struct ParallelTests {
    @Test(arguments: [1, 2, 3, 7])
    func everyChunkRunsOnceOnAWorkerInRange(workers: Int) {
        let chunks = 23
        let seen = AlignedBuffer(count: chunks)
        let worst = AlignedBuffer(count: chunks)
        seen.withUnsafeMutableBufferPointer { counts in
            worst.withUnsafeMutableBufferPointer { slots in
                Parallel.forEachChunk(chunks, workers: workers) { c, w in
                    counts[c] += 1
                    slots[c] = Float(w)
                }
            }
        }
        #expect(seen.toArray() == [Float](repeating: 1, count: chunks))
        #expect(worst.toArray().allSatisfy { $0 >= 0 && Int($0) < workers })
    }

    @Test func chunkRowsTileTheRowsInOrder() {
        for rows in [1, 63, 64, 65, 1_000] {
            var next = 0
            for c in 0..<Parallel.chunkCount(rows: rows) {
                let range = Parallel.chunkRows(c, of: rows)
                #expect(range.lowerBound == next && !range.isEmpty)
                next = range.upperBound
            }
            #expect(next == rows)
        }
    }

    @Test func partialSumsAddInChunkOrder() {
        let partials = ChunkPartials(chunks: 3, width: 2)
        for c in 0..<3 {
            partials.row(c)[0] = Float(c + 1)
            partials.row(c)[1] = Float(10 * (c + 1))
        }
        let destination = AlignedBuffer(count: 2)
        destination.withUnsafeMutableBufferPointer { d in
            d[0] = 100
            partials.addSums(into: d.baseAddress!)
        }
        #expect(destination.toArray() == [106, 60])
        let tail = AlignedBuffer(count: 1)
        tail.withUnsafeMutableBufferPointer { partials.addSums(from: 1, count: 1, into: $0.baseAddress!) }
        #expect(tail.toArray() == [60])
    }

    /// Split products (rows when m ≥ n, columns otherwise; every transpose; overwrite and
    /// accumulate) equal the single-threaded call.
    @Test(arguments: [(200, 37, 45), (37, 203, 29), (160, 160, 64), (17, 500, 3)])
    func splitProductEqualsSingleThreaded(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var random = RandomStream(seed: 9)
        let a = AlignedBuffer(count: m * k), b = AlignedBuffer(count: k * n)
        a.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = random.nextUniformFloat() - 0.5 } }
        b.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = random.nextUniformFloat() - 0.5 } }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for beta: Float in [0, 1] {
                var results: [[Float]] = []
                for workers in [1, 2, 3, 5] {
                    let c = AlignedBuffer(count: m * n)
                    c.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = Float(i % 5) } }
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                BLAS.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                                           a: pa.baseAddress!, lda: ta ? m : k, b: pb.baseAddress!, ldb: tb ? k : n,
                                           beta: beta, c: pc.baseAddress!, ldc: n, workers: workers)
                            }
                        }
                    }
                    results.append(c.toArray())
                }
                for r in results.dropFirst() {
                    let worst = zip(r, results[0]).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst <= 1e-5, "m \(m) n \(n) k \(k) ta \(ta) tb \(tb) beta \(beta): \(worst)")
                }
            }
        }
    }
}
