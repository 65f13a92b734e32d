import Dispatch

/// Splits independent work across the process's compute threads (`BLAS.threadCount`, set per
/// rank by the trainer's `--blas-threads`), so element-wise kernels, the per-sample retention
/// products and the large matrix products (`BLAS.sgemm`) use the same cores and never
/// oversubscribe a node shared by several MPI ranks.
///
/// Work is cut into chunks of a fixed size that does not depend on the worker count, and
/// reductions keep one partial result per chunk, summed in chunk order afterwards: the kernels'
/// results are bit-identical whatever the thread count (split products are not; see `BLAS`).
public enum Parallel {
    /// Rows per chunk of the row-wise kernels.
    public static let rowGrain = 64
    /// Elements per chunk of the flat loops over a whole arena (optimiser, clipping, Polyak); a
    /// multiple of 16, so every chunk starts 64-byte aligned.
    public static let elementGrain = 16_384

    /// Compute threads.
    public static var workerCount: Int { BLAS.threadCount }

    /// Calls `body(chunk, worker)` for every chunk in `0..<chunks`; worker w of `workers` takes a
    /// contiguous run of chunks, so a per-worker scratch slot `worker` is never shared. Gives
    /// `ComputeProgress` a turn when it returns.
    public static func forEachChunk(_ chunks: Int, workers: Int = workerCount, _ body: (_ chunk: Int, _ worker: Int) -> Void) {
        defer { ComputeProgress.tick() }
        let used = min(workers, chunks)
        if used <= 1 {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        // The chunks touch disjoint data by contract; the box only carries the closure across.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(escapable)
            DispatchQueue.concurrentPerform(iterations: used) { w in
                for c in (chunks * w / used)..<(chunks * (w + 1) / used) { box.value(c, w) }
            }
        }
    }

    /// Number of `rowGrain`-row chunks covering `rows` rows.
    public static func chunkCount(rows: Int) -> Int { (rows + rowGrain - 1) / rowGrain }

    /// Rows of chunk `chunk` of `rows` rows.
    public static func chunkRows(_ chunk: Int, of rows: Int) -> Range<Int> {
        (chunk * rowGrain)..<min(rows, (chunk + 1) * rowGrain)
    }

    /// Calls `body(elementRange)` over `count` elements cut into `elementGrain`-element chunks, in
    /// parallel on `workers` threads; `body` may also read its chunk's index.
    public static func forElements(_ count: Int, workers: Int = workerCount,
                                   _ body: (_ elements: Range<Int>, _ chunk: Int) -> Void) {
        let chunks = chunkCount(elements: count)
        forEachChunk(chunks, workers: workers) { c, _ in
            body((c * elementGrain)..<min(count, (c + 1) * elementGrain), c)
        }
    }

    /// Number of `elementGrain`-element chunks covering `count` elements.
    public static func chunkCount(elements count: Int) -> Int { (count + elementGrain - 1) / elementGrain }

    /// Calls `body(rowRange)` over `rows` rows cut into `rowGrain`-row chunks, in parallel.
    public static func forRows(_ rows: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(chunkCount(rows: rows)) { c, _ in body(chunkRows(c, of: rows)) }
    }

    /// `forRows` for a row-wise kernel that also reduces over rows: `body(rowRange, partial)`
    /// accumulates into its chunk's `width` zeroed floats; add them up with `addSums`.
    public static func reduceRows(_ rows: Int, width: Int,
                                  _ body: (_ rows: Range<Int>, _ partial: UnsafeMutablePointer<Float>) -> Void) -> ChunkPartials {
        let partials = ChunkPartials(chunks: chunkCount(rows: rows), width: width)
        forEachChunk(partials.chunks) { c, _ in body(chunkRows(c, of: rows), partials.row(c)) }
        return partials
    }
}

/// Carries a non-Sendable value into `concurrentPerform`'s workers.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Per-chunk partial sums of a row-parallel reduction into vectors of `width` floats.
///
/// Each chunk accumulates into its own row; `addSums` adds the rows, in chunk order, into the
/// destination, so the result does not depend on the thread count.
public final class ChunkPartials {
    public let width: Int
    public let chunks: Int
    private let storage: UnsafeMutablePointer<Float>

    public init(chunks: Int, width: Int) {
        self.width = width
        self.chunks = chunks
        storage = .allocate(capacity: max(1, chunks * width))
        storage.initialize(repeating: 0, count: max(1, chunks * width))
    }

    deinit { storage.deallocate() }

    /// The `width` floats of chunk `c`.
    public func row(_ c: Int) -> UnsafeMutablePointer<Float> { storage + c * width }

    /// destination[i] += Σ_c row(c)[start + i] for i in 0..<count, summed in chunk order.
    public func addSums(from start: Int = 0, count: Int? = nil, into destination: UnsafeMutablePointer<Float>) {
        for i in 0..<(count ?? width - start) {
            var sum: Float = 0
            for c in 0..<chunks { sum += storage[c * width + start + i] }
            destination[i] += sum
        }
    }
}
