import Foundation
import Kernels
import TensorCore

/// GFLOP/s of the model's linear layer (forward + backward) next to raw sgemm on the same shapes.
///
/// Shapes are those of a Sable projection (spec §2.3–2.4: W_q, W_k, W_v, W_g, W_o and the SwiGLU
/// matrices are all E×E): x (R, E)·W (E, E) + b, with R = B·T·N tokens. One forward + backward is
/// three GEMMs of 2·R·E² flops each: y = x·W, dW = xᵀ·dY, dx = dY·Wᵀ. The raw baseline runs exactly
/// those three `cblas_sgemm` calls on the same buffers, threaded by OpenBLAS itself; the layer runs
/// the kernels `Sources/Model` runs (the output head's linear maps): `MatMul.product` (`BLAS.sgemm`
/// split across our compute threads) on `Matrix` views of a `Workspace` and a `ParameterArena`,
/// plus `RowOps` for the bias and db. Runs alternate between the two and keep the best of each.
public enum LinearBenchmark {
    /// Options: `--embeddings 64,512,768`, `--rows 2048,16384`, `--repeats 5`.
    public static func run(arguments: [String]) {
        let embeddings = intList(arguments, "--embeddings") ?? [64, 512, 768]
        let rowCounts = intList(arguments, "--rows") ?? [2_048, 16_384]
        let repeats = intList(arguments, "--repeats")?.first ?? 5
        printMachine()
        print("E      rows    raw GFLOP/s  layer GFLOP/s  layer/raw")
        for e in embeddings {
            for rows in rowCounts {
                let (raw, layer) = measure(rows: rows, embedding: e, repeats: max(1, repeats))
                print(String(format: "%-6d %-7d %11.1f  %13.1f  %8.1f%%", e, rows, raw, layer, 100 * layer / raw))
            }
        }
    }

    /// Best GFLOP/s of raw sgemm and of the model's linear layer for one shape.
    static func measure(rows: Int, embedding e: Int, repeats: Int) -> (raw: Double, layer: Double) {
        var stream = RandomStream(seed: 1).derived("linear-benchmark", rows, e)
        func fillRandom(_ m: Matrix) {
            for r in 0..<m.rows { for c in 0..<m.cols { m[r, c] = 2 * stream.nextUniformFloat() - 1 } }
        }
        let workspace = Workspace()
        let x = workspace.matrix(rows, e), dY = workspace.matrix(rows, e)
        let y = workspace.matrix(rows, e), dX = workspace.matrix(rows, e)
        fillRandom(x)
        fillRandom(dY)
        var layout = ArenaLayout()
        let weight = layout.add("weight", shape: [e, e]), bias = layout.add("bias", shape: [e])
        let parameters = ParameterArena(layout: layout), gradients = ParameterArena(layout: layout)
        let flops = 6.0 * Double(rows) * Double(e) * Double(e)
        return parameters.buffer.withUnsafeMutableBufferPointer { p in
            gradients.buffer.withUnsafeMutableBufferPointer { g in
                let w = Matrix(p.baseAddress! + weight.offset, rows: e, cols: e)
                let dW = Matrix(g.baseAddress! + weight.offset, rows: e, cols: e)
                let b = p.baseAddress! + bias.offset, dB = g.baseAddress! + bias.offset
                fillRandom(w)

                func rawStep() {
                    BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: e, k: e, alpha: 1,
                               a: x.pointer, lda: e, b: w.pointer, ldb: e, beta: 0, c: y.pointer, ldc: e, parallel: false)
                    BLAS.sgemm(transposeA: true, transposeB: false, m: e, n: e, k: rows, alpha: 1,
                               a: x.pointer, lda: e, b: dY.pointer, ldb: e, beta: 1, c: dW.pointer, ldc: e, parallel: false)
                    BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: e, k: e, alpha: 1,
                               a: dY.pointer, lda: e, b: w.pointer, ldb: e, beta: 0, c: dX.pointer, ldc: e, parallel: false)
                }
                // As `OutputHead` runs each of its linear maps (Sources/Model/FeedForward.swift).
                func layerStep() {
                    MatMul.product(x, w, into: y)
                    RowOps.addBias(b, to: y)
                    MatMul.product(x, transposeA: true, dY, into: dW, accumulate: true)
                    RowOps.accumulateColumnSums(dY, into: dB)
                    MatMul.product(dY, w, transposeB: true, into: dX)
                }
                BLAS.withLibraryThreading { rawStep() }
                layerStep()
                var bestRaw = Double.infinity, bestLayer = Double.infinity
                for _ in 0..<repeats {
                    bestRaw = min(bestRaw, BLAS.withLibraryThreading { seconds(rawStep) })
                    bestLayer = min(bestLayer, seconds(layerStep))
                }
                return (flops / bestRaw / 1e9, flops / bestLayer / 1e9)
            }
        }
    }

    static func seconds(_ body: () -> Void) -> Double {
        let elapsed = ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    static func printMachine() {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let coreType = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        print("linear layer benchmark (forward + backward, x(R,E)·W(E,E) + b)")
        print("CPU: \(model); logical CPUs: \(ProcessInfo.processInfo.activeProcessorCount)")
        print("BLAS kernel: \(BLAS.coreName); BLAS threads: \(BLAS.threadCount); OPENBLAS_CORETYPE "
            + (coreType.map { "= \($0) (forced by the environment)" } ?? "unset (kernel chosen for this CPU)"))
    }

    /// The comma-separated integers after `flag`, if present.
    static func intList(_ arguments: [String], _ flag: String) -> [Int]? {
        guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
        let values = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
        return values.isEmpty ? nil : values
    }
}
