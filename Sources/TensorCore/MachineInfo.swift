import Foundation

/// What a run's figures depend on: CPU model, vector extensions, and the OpenBLAS kernel in use.
public struct MachineInfo: Sendable {
    public let cpuModel: String
    public let hasAVX512: Bool
    public let logicalCores: Int
    /// `OPENBLAS_CORETYPE` as set in the environment (nil when unset).
    public let forcedCoreType: String?
    public let blasKernel: String
    public let blasThreads: Int

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
        return MachineInfo(cpuModel: model, hasAVX512: flags.split(separator: " ").contains("avx512f"),
                           logicalCores: ProcessInfo.processInfo.activeProcessorCount, forcedCoreType: forced,
                           blasKernel: BLAS.coreName, blasThreads: BLAS.threadCount)
    }

    /// One line for logs and benchmark headers.
    public var summary: String {
        let forced = forcedCoreType.map { " (forced by OPENBLAS_CORETYPE=\($0))" } ?? ""
        return "cpu: \(cpuModel), \(logicalCores) cores, avx512: \(hasAVX512 ? "yes" : "no"); "
            + "blas: OpenBLAS kernel \(blasKernel)\(forced), \(blasThreads) thread(s)"
    }

    /// A hint when the CPU has AVX-512 but OPENBLAS_CORETYPE forces an older kernel
    /// (measured: sgemm about 1.9x slower at Sable's shapes on Zen 5). Nil when nothing to say.
    public var kernelHint: String? {
        guard hasAVX512, let forced = forcedCoreType else { return nil }
        let avx512Kernels = ["skylakex", "cooperlake", "sapphirerapids", "zen5"]
        guard !avx512Kernels.contains(forced.lowercased()) else { return nil }
        return "hint: this CPU supports AVX-512 but OPENBLAS_CORETYPE=\(forced) forces the \(blasKernel) kernel; "
            + "matrix products may run ~2x slower. Unset OPENBLAS_CORETYPE if your OpenBLAS build is known to work here."
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
