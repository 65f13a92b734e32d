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
///
/// Every collective is started non-blocking and waited on by polling, so a collective that waits
/// longer than `collectiveTimeoutSeconds` for the other ranks (one stopped, hung or lost) does
/// not hang the job: the waiting ranks find out which ranks never arrived, the lowest of them
/// names them (rank, host, pid) and the job is aborted.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    // @unchecked Sendable: MPI itself is used funneled (documented above), and the mutable state
    // (timeout, collective counter) belongs to that one thread, which the type system cannot express.
    public let rank: Int
    public let size: Int
    private let comm: MPI_Comm
    /// Seconds a collective may wait for the other ranks before the job is ended with their names.
    /// Generous by default (a checkpoint or evaluation on one rank makes the others wait).
    public var collectiveTimeoutSeconds = 900.0
    /// "host (pid N)" of every rank, gathered at start-up, for the stall report.
    private var peers: [String] = []
    /// Collectives completed so far (numbers the one that stalls in the report).
    private var collectiveCount = 0
    /// Tag of the "I am waiting too" messages exchanged after a stall.
    private static let stallTag: Int32 = 7_345

    /// Seconds the exit handler lets `MPI_Finalize` wait for the other ranks before it ends the
    /// process with SIGALRM (so a rank that exits early cannot hang the job).
    public static let finalizeAtExitTimeoutSeconds: UInt32 = 60

    private static let worldResult: Result<MPICommunicator, any Error> = Result { try MPICommunicator() }

    /// The world communicator; the first call initialises MPI.
    /// - Throws: `MPIError` if MPI cannot be initialised or queried.
    public static func world() throws -> MPICommunicator { try worldResult.get() }

    /// Initialises MPI if needed, then wraps MPI_COMM_WORLD.
    private convenience init() throws {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            try Self.check(MPI_Init_thread(nil, nil, mtrl_thread_funneled(), &provided), "MPI_Init_thread", rank: -1)
            Self.registerFinalizeAtExit()
        }
        try self.init(communicator: mtrl_comm_world())
    }

    /// Wraps an MPI communicator: errors returned, rank and size read, every rank's host and pid
    /// gathered for the stall report (collective).
    private init(communicator: MPI_Comm) throws {
        comm = communicator
        try Self.check(MPI_Comm_set_errhandler(comm, mtrl_errors_return()), "MPI_Comm_set_errhandler", rank: -1)
        var rank: Int32 = 0
        var size: Int32 = 0
        try Self.check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank", rank: -1)
        try Self.check(MPI_Comm_size(comm, &size), "MPI_Comm_size", rank: Int(rank))
        self.rank = Int(rank)
        self.size = Int(size)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let me = "\(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) (pid \(getpid()))"
        var mine = [UInt8](me.utf8.prefix(63)) + [UInt8](repeating: 0, count: 64 - min(63, me.utf8.count))
        var all = [UInt8](repeating: 0, count: 64 * Int(size))
        try Self.check(MPI_Allgather(&mine, 64, mtrl_type_byte(), &all, 64, mtrl_type_byte(), comm), "MPI_Allgather", rank: Int(rank))
        peers = (0..<Int(size)).map { r in String(decoding: all[(r * 64)..<(r * 64 + 64)].prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Splits this communicator into groups of `groupSize` consecutive ranks (ranks 0..<k form
    /// group 0, k..<2k group 1, …), each a communicator of its own with this one's collective
    /// timeout. Collective over this communicator; `size` must be a multiple of `groupSize`.
    public func split(groupSize: Int) throws -> MPICommunicator {
        precondition(groupSize > 0 && size % groupSize == 0, "split: \(size) ranks are not groups of \(groupSize)")
        var group: MPI_Comm? = nil
        try check(MPI_Comm_split(comm, Int32(rank / groupSize), Int32(rank), &group), "MPI_Comm_split")
        let communicator = try MPICommunicator(communicator: group!)
        communicator.collectiveTimeoutSeconds = collectiveTimeoutSeconds
        return communicator
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
        var request: MPI_Request? = mtrl_request_null()
        try check(MPI_Ibarrier(comm, &request), "MPI_Barrier")
        try complete(&request, "MPI_Barrier")
    }

    public func broadcast(bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard let base = bytes.baseAddress else { return }
        for chunk in Self.chunks(count: bytes.count) {
            var request: MPI_Request? = mtrl_request_null()
            try check(
                MPI_Ibcast(base + chunk.lowerBound, Int32(chunk.count), mtrl_type_byte(), Int32(root), comm, &request),
                "MPI_Bcast")
            try complete(&request, "MPI_Bcast")
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
            var request: MPI_Request? = mtrl_request_null()
            try check(
                MPI_Iallreduce(mtrl_in_place(), base + chunk.lowerBound * stride, Int32(chunk.count), type,
                               Self.mpiOp(op), comm, &request),
                "MPI_Allreduce")
            try complete(&request, "MPI_Allreduce")
        }
    }

    public func allGather(bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer) throws {
        precondition(result.count == bytes.count * size,
                     "allGather: result has \(result.count) bytes, expected \(bytes.count) x \(size) ranks")
        precondition(bytes.count <= Int(Int32.max), "allGather of \(bytes.count) bytes is meant for small values")
        guard bytes.count > 0 else { return }
        var request: MPI_Request? = mtrl_request_null()
        try check(
            MPI_Iallgather(bytes.baseAddress, Int32(bytes.count), mtrl_type_byte(),
                           result.baseAddress, Int32(bytes.count), mtrl_type_byte(), comm, &request),
            "MPI_Allgather")
        try complete(&request, "MPI_Allgather")
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
            completion: { [self] in try complete(&request, "MPI_Iallreduce") },
            poll: { [self] in
                var done: Int32 = 0
                try check(MPI_Test(&request, &done, mtrl_status_ignore()), "MPI_Test")
                return done != 0
            })
    }

    /// Waits for a started collective by polling; past `collectiveTimeoutSeconds` it reports the
    /// ranks that never arrived and ends the job.
    private func complete(_ request: inout MPI_Request?, _ call: String) throws {
        collectiveCount += 1
        var done: Int32 = 0
        var polls = 0
        var start = timespec()
        while true {
            try check(MPI_Test(&request, &done, mtrl_status_ignore()), call)
            if done != 0 { return }
            polls += 1
            if polls == 1_000 { clock_gettime(CLOCK_MONOTONIC, &start) }
            guard polls > 1_000 else { continue }  // the fast path: spin
            let waited = Self.seconds(since: start)
            if waited > collectiveTimeoutSeconds { reportStall(call: call, waited: waited) }
            if waited > 0.01 { usleep(50) } else { sched_yield() }
        }
    }

    /// After a collective timed out: tells every rank this one is waiting, listens for the others
    /// for a grace period, then the lowest waiting rank names the ranks that never answered, and
    /// every waiting rank aborts the job.
    private func reportStall(call: String, waited: Double) -> Never {
        var me = Int32(rank)
        var sends: [MPI_Request?] = []
        for peer in 0..<size where peer != rank {
            var request: MPI_Request? = mtrl_request_null()
            MPI_Isend(&me, 1, mtrl_type_int32(), Int32(peer), Self.stallTag, comm, &request)
            sends.append(request)
        }
        var waiting: Set<Int> = [rank]
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let grace = min(30, max(5, collectiveTimeoutSeconds / 10))
        while waiting.count < size && Self.seconds(since: start) < grace {
            var flag: Int32 = 0
            var status = MPI_Status()
            MPI_Iprobe(mtrl_any_source(), Self.stallTag, comm, &flag, &status)
            if flag != 0 {
                var peer: Int32 = 0
                MPI_Recv(&peer, 1, mtrl_type_int32(), mtrl_status_source(&status), Self.stallTag, comm, mtrl_status_ignore())
                waiting.insert(Int(peer))
            } else {
                usleep(10_000)
            }
        }
        if waiting.min() == rank {
            let missing = (0..<size).filter { !waiting.contains($0) }.map { "\($0) on \(peers.indices.contains($0) ? peers[$0] : "?")" }
            reportFatalError(rank: rank, message: "\(call) (collective #\(collectiveCount)) waited \(Int(waited)) s for rank(s) "
                + "\(missing.joined(separator: ", ")), which never arrived (stopped, hung or lost); ending the job. "
                + "The limit is --collective-timeout (\(Int(collectiveTimeoutSeconds)) s).")
        } else {
            usleep(UInt32(min(grace, 10) * 1e6))  // the lowest waiting rank reports first
        }
        MPI_Abort(comm, 1)
        exit(1)
    }

    private static func seconds(since start: timespec) -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
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
