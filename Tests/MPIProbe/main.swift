// mpi-probe: runs one collective scenario under mpirun (or as a singleton) and prints, per rank,
// `OK <check> rank r` or `FAIL <check> rank r: ...`; exits 1 if any check failed. Every value
// is an integer (or a dyadic fraction) small enough that float sums are exact, so the expected
// results are computed exactly from the rank count. Driven by Tests/DistributedTests.
import Distributed

#if canImport(Glibc)
import Glibc
#endif

let usage = """
    usage: mpi-probe info | allreduce N | broadcast N | allgather | buckets N BUCKET_BYTES on|off
                     | checksum match|mismatch | config match|mismatch | abort | mpi-error
                     | finalize explicit|atexit | exit-early | time-allreduce N REPETITIONS
    """

func integer(_ text: String) -> Int {
    guard let value = Int(text), value >= 0 else {
        print("mpi-probe: expected a non-negative integer, got '\(text)'\n\(usage)")
        exit(2)
    }
    return value
}

let arguments = Array(CommandLine.arguments.dropFirst())
let communicator: MPICommunicator
do {
    communicator = try MPICommunicator.world()
} catch {
    print("FAIL init: \(error)")
    exit(1)
}
let probe = Probe(communicator: communicator)

do {
    switch (arguments.first, arguments.count) {
    case ("info", 1): print("rank \(communicator.rank) size \(communicator.size)")
    case ("allreduce", 2): try probe.allReduce(count: integer(arguments[1]))
    case ("broadcast", 2): try probe.broadcast(count: integer(arguments[1]))
    case ("allgather", 1): try probe.allGather()
    case ("buckets", 4):
        try probe.buckets(count: integer(arguments[1]), bucketBytes: integer(arguments[2]), overlaps: arguments[3] == "on")
    case ("checksum", 2): try probe.checksum(mismatch: arguments[1] == "mismatch")
    case ("config", 2): try probe.config(mismatch: arguments[1] == "mismatch")
    case ("abort", 1): try probe.abortFromLastRank()
    case ("mpi-error", 1): try probe.mpiError()
    case ("finalize", 2): try probe.finalize(explicitly: arguments[1] == "explicit")
    case ("exit-early", 1): try probe.exitEarlyFromLastRank()
    case ("time-allreduce", 3): try probe.timeAllReduce(count: integer(arguments[1]), repetitions: integer(arguments[2]))
    default:
        print(usage)
        exit(2)
    }
} catch {
    communicator.abort(message: "\(error)")
}
exit(probe.failures == 0 ? 0 : 1)
