import Distributed
import Foundation
import OptionParsing
import TensorCore

/// `mtrl-dist info`: version, MPI rank/size, BLAS library and threads, and the kernel hint.
enum InfoCommand: Command {
    static let spec = CommandSpec(
        name: "info", summary: "Print version, MPI rank/size, BLAS library and thread count.", options: [],
        discussion: "Works without mpirun (one rank) and under `mpirun -n R` (one line per rank, rank order).")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let world = try MPICommunicator.world()
        let machine = MachineInfo.current()
        if world.rank == 0 {
            print("mtrl-dist \(CommandLineInterface.version)")
            print(machine.summary)
            print("blas config: \(BLAS.configuration)")
            if let hint = machine.kernelHint { print(hint) }
        }
        // One line per rank, printed in rank order.
        for r in 0..<world.size {
            try world.barrier()
            if r == world.rank {
                print("rank \(world.rank) of \(world.size) on \(ProcessInfo.processInfo.hostName), pid \(getpid()), blas threads \(BLAS.threadCount)")
                fflush(nil)
            }
        }
        try world.barrier()
        try world.finalize()
        return 0
    }
}
