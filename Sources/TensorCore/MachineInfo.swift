import Foundation

/// What a run's figures depend on: CPU model, vector extensions, and the OpenBLAS kernel in use.
public struct MachineInfo: Sendable {
    public let cpuModel: String
    public let hasAVX512: Bool
    /// AVX2 with FMA, which OpenBLAS's Haswell and Zen kernels need.
    public let hasAVX2: Bool
    public let logicalCores: Int
    /// `OPENBLAS_CORETYPE` as set in the environment (nil when unset).
    public let forcedCoreType: String?
    public let blasKernel: String
    public let blasThreads: Int

    /// A machine described field by field (`current()` reads this one's).
    public init(cpuModel: String, hasAVX512: Bool, hasAVX2: Bool, logicalCores: Int, forcedCoreType: String?,
                blasKernel: String, blasThreads: Int) {
        self.cpuModel = cpuModel
        self.hasAVX512 = hasAVX512
        self.hasAVX2 = hasAVX2
        self.logicalCores = logicalCores
        self.forcedCoreType = forcedCoreType
        self.blasKernel = blasKernel
        self.blasThreads = blasThreads
    }

    /// Reads /proc/cpuinfo, the environment and OpenBLAS.
    public static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var model = "unknown CPU"
        var flags = ""
        for line in cpuinfo.split(separator: "\n") {
            if line.hasPrefix("model name"), let colon = line.firstIndex(of: ":") {
                model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix("flags"), flags.isEmpty { flags = String(line) }
            if model != "unknown CPU" && !flags.isEmpty { break }
        }
        let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        let flagSet = Set(flags.split(separator: " "))
        return MachineInfo(cpuModel: model, hasAVX512: flagSet.contains("avx512f"),
                           hasAVX2: flagSet.contains("avx2") && flagSet.contains("fma"), logicalCores: ProcessInfo.processInfo.activeProcessorCount, forcedCoreType: forced,
                           blasKernel: BLAS.coreName, blasThreads: BLAS.threadCount)
    }

    /// One line for logs and benchmark headers.
    public var summary: String {
        let forced = forcedCoreType.map { " (forced by OPENBLAS_CORETYPE=\($0))" } ?? ""
        return "cpu: \(cpuModel), \(logicalCores) cores, avx512: \(hasAVX512 ? "yes" : "no"); "
            + "blas: OpenBLAS kernel \(blasKernel)\(forced), \(blasThreads) thread(s)"
    }

    /// OpenBLAS kernels that use AVX-512, and those that use at least AVX2 (lower case).
    static let avx512Kernels: Set<String> = ["skylakex", "cooperlake", "sapphirerapids", "zen5"]
    static let avx2Kernels = avx512Kernels.union(["haswell", "zen", "excavator"])

    /// A hint when the kernel in use is older than the CPU supports, nil when there is nothing to say:
    /// OPENBLAS_CORETYPE forcing a pre-AVX-512 kernel on an AVX-512 CPU (sgemm about 1.9x slower at
    /// Sable's shapes on Zen 5), or OpenBLAS's own detection falling back to an old kernel on a CPU
    /// it does not recognise, as on virtual machines that report a generic model (its Prescott
    /// kernel made a Connector Oryx update 2.2x slower than SkylakeX on an AVX-512 Xeon VM).
    public var kernelHint: String? {
        let kernel = blasKernel.lowercased()
        if let forced = forcedCoreType {
            guard hasAVX512, !Self.avx512Kernels.contains(forced.lowercased()) else { return nil }
            return "hint: this CPU supports AVX-512 but OPENBLAS_CORETYPE=\(forced) forces the \(blasKernel) kernel; "
                + "matrix products may run ~2x slower. Unset OPENBLAS_CORETYPE if your OpenBLAS build is known to work here."
        }
        let better: String
        if hasAVX512 && !Self.avx2Kernels.contains(kernel) {
            better = "SkylakeX"
        } else if hasAVX2 && !Self.avx2Kernels.contains(kernel) {
            better = "Haswell"
        } else {
            return nil
        }
        return "hint: OpenBLAS did not recognise this CPU (\(cpuModel)) and uses its \(blasKernel) kernel, which has no "
            + "AVX2; the CPU has \(hasAVX512 ? "AVX-512" : "AVX2"). Matrix products may run ~2x faster with "
            + "OPENBLAS_CORETYPE=\(better) in the environment of every rank."
    }

    /// Peak resident set size of this process in MB (VmHWM of /proc/self/status; NaN if unreadable).
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (line.split(separator: " ").compactMap { Double($0) }.first ?? .nan) / 1024
        }
        return .nan
    }
}
