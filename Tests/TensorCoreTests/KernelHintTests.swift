import Testing
import TensorCore

/// The start-up hint about OpenBLAS kernels older than the CPU: named when the environment forces
/// one on an AVX-512 CPU and when OpenBLAS's own detection falls back to one (a VM's generic CPU),
/// silent when the kernel fits.
struct KernelHintTests {
    static func machine(avx512: Bool, avx2: Bool, forced: String?, kernel: String) -> MachineInfo {
        MachineInfo(cpuModel: "Intel(R) Xeon(R) Processor", hasAVX512: avx512, hasAVX2: avx2, logicalCores: 2,
                    forcedCoreType: forced, blasKernel: kernel, blasThreads: 1)
    }

    @Test func detectionFallingBackToAnOldKernelNamesTheOneToForce() throws {
        let onAVX512 = try #require(Self.machine(avx512: true, avx2: true, forced: nil, kernel: "Prescott").kernelHint)
        #expect(onAVX512.contains("OPENBLAS_CORETYPE=SkylakeX") && onAVX512.contains("Prescott"))
        let onAVX2 = try #require(Self.machine(avx512: false, avx2: true, forced: nil, kernel: "Nehalem").kernelHint)
        #expect(onAVX2.contains("OPENBLAS_CORETYPE=Haswell"))
    }

    @Test func forcingAPreAVX512KernelOnAnAVX512CPUIsNamed() throws {
        let hint = try #require(Self.machine(avx512: true, avx2: true, forced: "Haswell", kernel: "Haswell").kernelHint)
        #expect(hint.contains("OPENBLAS_CORETYPE=Haswell forces"))
    }

    @Test func aKernelThatFitsTheCPUGivesNoHint() {
        #expect(Self.machine(avx512: true, avx2: true, forced: nil, kernel: "SkylakeX").kernelHint == nil)
        #expect(Self.machine(avx512: true, avx2: true, forced: "SkylakeX", kernel: "SkylakeX").kernelHint == nil)
        #expect(Self.machine(avx512: false, avx2: true, forced: nil, kernel: "Zen").kernelHint == nil)
        #expect(Self.machine(avx512: false, avx2: false, forced: nil, kernel: "Prescott").kernelHint == nil)
        #expect(Self.machine(avx512: false, avx2: true, forced: "Prescott", kernel: "Prescott").kernelHint == nil)
    }
}
