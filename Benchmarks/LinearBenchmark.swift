import Foundation
import TensorCore

/// GFLOP/s of the tape's linear layer (forward + backward) next to raw sgemm on the same shapes.
///
/// Shapes are those of a Sable projection (spec §2.3–2.4: W_q, W_k, W_v, W_g, W_o and the SwiGLU
/// matrices are all E×E): x (R, E)·W (E, E) + b, with R = B·T·N tokens. One forward + backward is
/// three GEMMs of 2·R·E² flops each: y = x·W, dW = xᵀ·dY, dx = dY·Wᵀ. The raw baseline runs exactly
/// those three `cblas_sgemm` calls on the same buffers, threaded by OpenBLAS itself; the layer
/// runs them through `BLAS.sgemm` (split across our compute threads) and adds the bias, db, the
/// output seed and the tape bookkeeping. Runs alternate between the two and keep the best of each.
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

    /// Best GFLOP/s of raw sgemm and of the tape's linear layer for one shape.
    static func measure(rows: Int, embedding e: Int, repeats: Int) -> (raw: Double, layer: Double) {
        var stream = RandomStream(seed: 1).derived("linear-benchmark", rows, e)
        func random(_ shape: Shape) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.count).map { _ in 2 * stream.nextUniformFloat() - 1 })
        }
        let x = random([rows, e]), dY = random([rows, e])
        var layout = ArenaLayout()
        let weight = layout.add("weight", shape: [e, e]), bias = layout.add("bias", shape: [e])
        let parameters = ParameterArena(layout: layout), gradients = ParameterArena(layout: layout)
        parameters.setValues(random([e, e]).toArray(), of: weight)
        let w = Tensor(parameters, weight), dW = Tensor(gradients, weight)
        let y = Tensor(zeros: [rows, e]), dX = Tensor(zeros: [rows, e])
        let tape = Tape()
        let flops = 6.0 * Double(rows) * Double(e) * Double(e)

        func rawStep() {
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    dY.withUnsafeBufferPointer { pg in
                        y.withUnsafeMutableBufferPointer { py in
                            BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: e, k: e, alpha: 1,
                                       a: px.baseAddress!, lda: e, b: pw.baseAddress!, ldb: e, beta: 0,
                                       c: py.baseAddress!, ldc: e, parallel: false)
                        }
                        dW.withUnsafeMutableBufferPointer { pd in
                            BLAS.sgemm(transposeA: true, transposeB: false, m: e, n: e, k: rows, alpha: 1,
                                       a: px.baseAddress!, lda: e, b: pg.baseAddress!, ldb: e, beta: 1,
                                       c: pd.baseAddress!, ldc: e, parallel: false)
                        }
                        dX.withUnsafeMutableBufferPointer { pd in
                            BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: e, k: e, alpha: 1,
                                       a: pg.baseAddress!, lda: e, b: pw.baseAddress!, ldb: e, beta: 0,
                                       c: pd.baseAddress!, ldc: e, parallel: false)
                        }
                    }
                }
            }
        }
        func layerStep() {
            tape.reset()
            let input = tape.input(x)
            let output = tape.linear(input, weight: tape.parameter(weight, values: parameters, gradients: gradients),
                                     bias: tape.parameter(bias, values: parameters, gradients: gradients))
            tape.backward(from: output, seed: dY)
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
