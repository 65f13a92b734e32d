import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The world communicator of an MPI job (Open MPI), or a one-rank singleton without mpirun.
///
/// `world()` initialises MPI once per process (`MPI_Init_thread`, funneled: only the thread that
/// initialised MPI may call it), sets `MPI_ERRORS_RETURN` on `MPI_COMM_WORLD` so failures become
/// thrown `MPIError`s, and registers an exit handler that finalises MPI at a normal exit if
/// `finalize()` was not called (see `finalize()`).
///
/// Properties: counts above Int32.max are split into several MPI calls; all-reduce is in place
/// (`MPI_IN_PLACE`).
public final class MPICommunicator: Communicator, @unchecked Sendable {
    // @unchecked Sendable: every stored property is an immutable value; MPI itself is used
    // funneled (documented above), which the type system cannot express.
    public let rank: Int
    public let size: Int
    private let comm: MPI_Comm

    /// Seconds the exit handler lets `MPI_Finalize` wait for the other ranks before it ends the
    /// process with SIGALRM (so a rank that exits early cannot hang the job).
    public static let finalizeAtExitTimeoutSeconds: UInt32 = 60

    private static let worldResult: Result<MPICommunicator, any Error> = Result { try MPICommunicator() }

    /// The world communicator; the first call initialises MPI.
    /// - Throws: `MPIError` if MPI cannot be initialised or queried.
    public static func world() throws -> MPICommunicator { try worldResult.get() }

    private init() throws {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            try Self.check(MPI_Init_thread(nil, nil, mtrl_thread_funneled(), &provided), "MPI_Init_thread", rank: -1)
            Self.registerFinalizeAtExit()
        }
        comm = mtrl_comm_world()
        try Self.check(MPI_Comm_set_errhandler(comm, mtrl_errors_return()), "MPI_Comm_set_errhandler", rank: -1)
        var rank: Int32 = 0
        var size: Int32 = 0
        try Self.check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank", rank: -1)
        try Self.check(MPI_Comm_size(comm, &size), "MPI_Comm_size", rank: Int(rank))
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Finalises MPI (`MPI_Finalize`, which waits for every rank to call it). Call it once at the
    /// end of a normal run, after the last collective; no MPI call may follow. Calling it again
    /// does nothing. Without it the exit handler finalises, giving up after
    /// `finalizeAtExitTimeoutSeconds`.
    public func finalize() throws {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized != 0 { return }
        try Self.check(MPI_Finalize(), "MPI_Finalize", rank: rank)
    }

    /// At a normal exit (status 0) without `finalize()`, finalises under a watchdog alarm. At a
    /// failing exit it does not: `MPI_Finalize` would wait for ranks that may be blocked in a
    /// collective with this one, whereas a process that just exits non-zero makes mpirun end
    /// the whole job at once.
    private static func registerFinalizeAtExit() {
        #if os(Linux)
        on_exit({ status, _ in
            if status == 0 { MPICommunicator.finalizeAtExit() }
        }, nil)
        #else
        atexit { MPICommunicator.finalizeAtExit() }
        #endif
    }

    private static func finalizeAtExit() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized != 0 { return }
        alarm(finalizeAtExitTimeoutSeconds)
        MPI_Finalize()
        alarm(0)
    }

    public func barrier() throws {
        try check(MPI_Barrier(comm), "MPI_Barrier")
    }

    public func broadcast(bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard let base = bytes.baseAddress else { return }
        for chunk in Self.chunks(count: bytes.count) {
            try check(
                MPI_Bcast(base + chunk.lowerBound, Int32(chunk.count), mtrl_type_byte(), Int32(root), comm),
                "MPI_Bcast")
        }
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ op: ReductionOp) throws {
        try allReduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, stride: 4,
                      type: mtrl_type_float(), op: op)
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ op: ReductionOp) throws {
        try allReduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, stride: 8,
                      type: mtrl_type_double(), op: op)
    }

    private func allReduce(
        _ base: UnsafeMutableRawPointer?, count: Int, stride: Int, type: MPI_Datatype, op: ReductionOp
    ) throws {
        guard let base else { return }
        for chunk in Self.chunks(count: count) {
            try check(
                MPI_Allreduce(mtrl_in_place(), base + chunk.lowerBound * stride, Int32(chunk.count), type,
                              Self.mpiOp(op), comm),
                "MPI_Allreduce")
        }
    }

    public func allGather(bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer) throws {
        precondition(result.count == bytes.count * size,
                     "allGather: result has \(result.count) bytes, expected \(bytes.count) x \(size) ranks")
        precondition(bytes.count <= Int(Int32.max), "allGather of \(bytes.count) bytes is meant for small values")
        guard bytes.count > 0 else { return }
        try check(
            MPI_Allgather(bytes.baseAddress, Int32(bytes.count), mtrl_type_byte(),
                          result.baseAddress, Int32(bytes.count), mtrl_type_byte(), comm),
            "MPI_Allgather")
    }

    public func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> PendingReduction {
        precondition(buffer.count <= Int(Int32.max), "startAllReduceSum of \(buffer.count) floats; use buckets")
        guard let base = buffer.baseAddress else { return .completed }
        var request: MPI_Request? = mtrl_request_null()
        try check(
            MPI_Iallreduce(mtrl_in_place(), base, Int32(buffer.count), mtrl_type_float(), mtrl_op_sum(), comm,
                           &request),
            "MPI_Iallreduce")
        return PendingReduction(
            completion: { [self] in try check(MPI_Wait(&request, mtrl_status_ignore()), "MPI_Wait") },
            poll: { [self] in
                var done: Int32 = 0
                try check(MPI_Test(&request, &done, mtrl_status_ignore()), "MPI_Test")
                return done != 0
            })
    }

    public func abort(message: String) -> Never {
        reportFatalError(rank: rank, message: message)
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Abort(comm, 1) }
        exit(1)
    }

    /// Splits `count` elements into consecutive ranges of at most `limit` elements (MPI counts are
    /// Int32). Exposed for tests.
    public static func chunks(count: Int, limit: Int = Int(Int32.max)) -> [Range<Int>] {
        precondition(limit > 0, "chunk limit must be positive, got \(limit)")
        return stride(from: 0, to: count, by: limit).map { $0 ..< min($0 + limit, count) }
    }

    private static func mpiOp(_ op: ReductionOp) -> MPI_Op {
        switch op {
        case .sum: mtrl_op_sum()
        case .max: mtrl_op_max()
        }
    }

    private func check(_ code: Int32, _ call: String) throws {
        try Self.check(code, call, rank: rank)
    }

    private static func check(_ code: Int32, _ call: String, rank: Int) throws {
        guard code != mtrl_success() else { return }
        var text = [CChar](repeating: 0, count: Int(mtrl_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw MPIError(call: call, rank: rank, code: code, message: message)
    }
}
