import Foundation
import TensorCore

/// Shared pieces of every benchmark: the machine header, a BLAS sanity check, raw sgemm rates.
enum BenchmarkSupport {
    /// Prints CPU, BLAS kernel and threads, and verifies sgemm against a naive product first
    /// (the benchmarks run with OPENBLAS_CORETYPE unset, so the kernel is OpenBLAS's own choice).
    static func printHeader(_ title: String) {
        let info = MachineInfo.current()
        print("== \(title)")
        print(info.summary)
        let coretype = info.forcedCoreType.map { "OPENBLAS_CORETYPE=\($0) (set)" } ?? "OPENBLAS_CORETYPE unset"
        print("\(coretype); sgemm vs naive product: \(sgemmMatchesNaive() ? "ok" : "MISMATCH — do not trust these figures")")
    }

    /// Compares a 67×45×83 sgemm with a naive triple loop in Double.
    static func sgemmMatchesNaive() -> Bool {
        let m = 67, n = 45, k = 83
        var rng = RandomStream(seed: 1)
        let a = AlignedBuffer((0..<(m * k)).map { _ in rng.nextUniformFloat() - 0.5 })
        let b = AlignedBuffer((0..<(k * n)).map { _ in rng.nextUniformFloat() - 0.5 })
        let c = AlignedBuffer(count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: pa.baseAddress!, lda: k,
                               b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
                if abs(s - Double(c[i * n + j])) > 1e-4 { return false }
            }
        }
        return true
    }

    /// Resets the kernel's peak-RSS counter (VmHWM) to the current RSS (`/proc/self/clear_refs`,
    /// Linux ≥ 4.0). Returns false where that is not possible.
    static func resetPeakResident() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Mean seconds per call of `body`, repeating until `minimumSeconds` have passed (at least 3 calls).
    static func timeRepeated(minimumSeconds: Double, _ body: () -> Void) -> Double {
        var calls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            body()
            calls += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumSeconds || calls < 3
        return elapsed / Double(calls)
    }

    /// Value of `--name` in `arguments`, if given.
    static func option(_ name: String, in arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: "--\(name)"), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    /// Integer list option like `--embeds 64,512`, or the default.
    static func intList(_ name: String, in arguments: [String], default value: [Int]) -> [Int] {
        option(name, in: arguments).map { $0.split(separator: ",").compactMap { Int($0) } } ?? value
    }
}

/// Raw `cblas_sgemm` C(m,n) = A(m,k)·B(k,n) on buffers of its own, threaded by OpenBLAS itself at
/// the compute thread count (`BLAS.withLibraryThreading`): the reference rate of a benchmark.
final class SgemmProbe {
    let m, n, k: Int
    private let a, b, c: AlignedBuffer

    init(m: Int, n: Int, k: Int) {
        (self.m, self.n, self.k) = (m, n, k)
        a = AlignedBuffer(count: m * k)
        b = AlignedBuffer(count: k * n)
        c = AlignedBuffer(count: m * n)
        a.fill(0.01)
        b.fill(0.02)
    }

    /// GFLOP/s over a window of at least `seconds` (after one untimed product).
    func gflops(seconds: Double) -> Double {
        BLAS.withLibraryThreading {
            once()
            return 2 * Double(m) * Double(n) * Double(k) / BenchmarkSupport.timeRepeated(minimumSeconds: seconds, once) / 1e9
        }
    }

    private func once() {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: pa.baseAddress!, lda: k,
                               b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n, parallel: false)
                }
            }
        }
    }
}
