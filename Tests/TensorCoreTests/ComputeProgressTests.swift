import Foundation
import Testing
import TensorCore

/// The hook that lets the MPI thread poll between compute kernels: it runs on the installing
/// thread only, after the kernels that return there, no more often than its interval, and only
/// while installed.
@Suite(.serialized) struct ComputeProgressTests {
    /// Runs one small product (through `BLAS.sgemm`) and one parallel loop on this thread.
    static func kernels() {
        let a = AlignedBuffer(count: 16 * 16), c = AlignedBuffer(count: 16 * 16)
        a.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                BLAS.sgemm(transposeA: false, transposeB: false, m: 16, n: 16, k: 16, alpha: 1, a: pa.baseAddress!, lda: 16,
                           b: pa.baseAddress!, ldb: 16, beta: 0, c: pc.baseAddress!, ldc: 16)
            }
        }
        Parallel.forEachChunk(4, workers: 2) { _, _ in }
    }

    @Test func pollsAfterEachKernelOnTheInstallingThreadOnly() {
        var polls = 0
        var foreign = 0
        let me = pthread_self()
        ComputeProgress.polling(every: 0, { if pthread_equal(pthread_self(), me) != 0 { polls += 1 } else { foreign += 1 } }) {
            Self.kernels()
            Self.kernels()
            let done = DispatchSemaphore(value: 0)
            let other = Thread {
                Self.kernels()
                ComputeProgress.tick()
                done.signal()
            }
            other.start()
            done.wait()
        }
        #expect(polls >= 4, "one poll per kernel returning to this thread, got \(polls)")
        #expect(foreign == 0, "another thread's kernels ran the poll \(foreign) times")
        let before = polls
        Self.kernels()
        #expect(polls == before, "polled after the scope ended")
    }

    @Test func pollsNoMoreOftenThanTheInterval() {
        var polls = 0
        ComputeProgress.polling(every: 3_600, { polls += 1 }) {
            for _ in 0..<5 { Self.kernels() }
        }
        #expect(polls == 0)
    }
}
