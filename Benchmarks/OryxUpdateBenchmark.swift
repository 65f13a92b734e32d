import Foundation
import Kernels
import Losses
import Model
import TensorCore

/// Times one full Oryx update (target + online forward, ICQ loss, backward, clip, Adam, Polyak)
/// on a synthetic batch; prints ms/update, agent-tokens/s, model FLOP utilisation against a raw
/// sgemm measured in the same run, and peak RSS.
///
/// Flags: --agents N --inputs D_obs --actions A --embed E --heads H --blocks b --batch B
/// --window T --bins K --updates U (defaults: 4, 75, 5, 64, 4, 1, 64, 20, 1, 5).
/// The agent-ID one-hot is added to the inputs (D_o = D_obs + N).
public enum OryxUpdateBenchmark {
    public static func run(arguments: [String]) {
        var flags: [String: Int] = ["agents": 4, "inputs": 75, "actions": 5, "embed": 64, "heads": 4, "blocks": 1,
                                    "batch": 64, "window": 20, "bins": 1, "updates": 5]
        var i = 0
        while i < arguments.count {
            let key = arguments[i].hasPrefix("--") ? String(arguments[i].dropFirst(2)) : arguments[i]
            guard flags[key] != nil, i + 1 < arguments.count, let value = Int(arguments[i + 1]), value > 0 else {
                print("oryx-update: unknown flag or bad value at '\(arguments[i])'; flags: \(flags.keys.sorted().map { "--" + $0 }.joined(separator: " ")) (positive integers)")
                return
            }
            flags[key] = value
            i += 2
        }
        let (n, b, t, e) = (flags["agents"]!, flags["batch"]!, flags["window"]!, flags["embed"]!)
        let config = ModelConfig(embedding: e, heads: flags["heads"]!, blocks: flags["blocks"]!,
                                 inputSize: flags["inputs"]! + n, actionCount: flags["actions"]!, qBins: flags["bins"]!)
        do { try config.validate() } catch {
            print("oryx-update: \(error)")
            return
        }
        let m = measure(config: config, batchSize: b, timeSteps: t, agents: n, updates: flags["updates"]!)
        let flops = modelFlops(config, batch: b, timeSteps: t, agents: n)
        let tokens = Double(b * t * n)
        print(String(format: "oryx-update N=%d D_o=%d A=%d E=%d H=%d blocks=%d B=%d T=%d K=%d params=%d: %.1f ms/update, %.0f agent-tokens/s, %.2f GFLOP/update, %.1f GFLOP/s = %.0f%% of sgemm %.1f GFLOP/s, peak RSS %.0f MB%@ (BLAS %@ x%d)",
                     n, config.inputSize, config.actionCount, e, config.heads, config.blocks, b, t, config.qBins,
                     SableLayout(config: config).arena.parameterCount, m.seconds * 1e3, tokens / m.seconds, flops / 1e9,
                     flops / m.seconds / 1e9, 100 * flops / m.seconds / (m.sgemmGFLOPS * 1e9), m.sgemmGFLOPS, m.peakMB,
                     m.peakIsUpdateOnly ? "" : " (incl. the sgemm operands)", BLAS.coreName, BLAS.threadCount))
    }

    /// Mean seconds per update over `updates` updates after one warm-up; the mean raw sgemm rate
    /// (R×E)·(E×E), the projections' shape, from 0.3 s windows run between the updates (so both
    /// see the same machine load); and the peak RSS of one more update after the sgemm operands
    /// are freed and the kernel's peak counter is reset.
    static func measure(config: ModelConfig, batchSize b: Int, timeSteps t: Int, agents n: Int, updates: Int)
        -> (seconds: Double, sgemmGFLOPS: Double, peakMB: Double, peakIsUpdateOnly: Bool)
    {
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 42)
        let online = SableInitializer.parameters(for: layout, random: &random)
        let target = ParameterArena(layout: layout.arena)
        target.copy(from: online)
        let grads = ParameterArena(layout: layout.arena)
        var lossConfig = LossConfig(kind: .oryx)
        lossConfig.valueMax = 10
        let centers = config.qBins > 1 ? HLGauss(valueMin: 0, valueMax: 10, binCount: config.qBins).centers : []
        let network = SableNetwork(layout: layout, maxBatch: b, timeSteps: t, agentSlots: n, binCenters: centers)
        let loss = SableLoss(network: network, config: lossConfig)
        let adam = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init())
        let batch = syntheticBatch(config: config, batchSize: b, timeSteps: t, agents: n, random: &random)

        func update() {
            grads.zero()
            _ = loss.lossAndGradients(batch: batch, online: online, target: target, gradients: grads)
            ArenaMath.clipGlobalNorm(grads.buffer, maxNorm: 10)
            adam.step(parameters: online.buffer, gradients: grads.buffer)
            ArenaMath.polyakUpdate(target: target.buffer, online: online.buffer, tau: 0.005)
        }
        var rates: [Double] = []
        var seconds = 0.0
        do {
            let probe = SgemmProbe(m: b * t * n, n: config.embedding, k: config.embedding)
            update()  // warm-up
            for _ in 0..<updates {
                rates.append(probe.gflops(seconds: 0.3))
                let start = DispatchTime.now().uptimeNanoseconds
                update()
                seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            rates.append(probe.gflops(seconds: 0.3))
        }
        let reset = BenchmarkSupport.resetPeakResident()
        update()
        return (seconds / Double(updates), rates.reduce(0, +) / Double(rates.count), MachineInfo.peakResidentMegabytes(), reset)
    }

    static func syntheticBatch(config: ModelConfig, batchSize: Int, timeSteps: Int, agents: Int,
                               random: inout RandomStream) -> AgentBatch {
        let a = config.actionCount
        var batch = AgentBatch(batchSize: batchSize, timeSteps: timeSteps, agentSlots: agents, inputSize: config.inputSize,
                               actionCount: a)
        let tokens = batchSize * timeSteps * agents
        var obs = [Float](repeating: 0, count: tokens * config.inputSize)
        for r in 0..<tokens {
            obs[r * config.inputSize + r % agents] = 1
            for f in agents..<config.inputSize { obs[r * config.inputSize + f] = Float(random.nextNormal()) }
            batch.actions[r] = Int32(random.nextInt(below: a))
            batch.rewards[r] = random.nextUniformFloat()
        }
        batch.observations.copy(from: obs)
        for s in 0..<batchSize {
            for t in 0..<timeSteps { batch.resets[s * timeSteps + t] = (t == 0 || random.nextUniformFloat() < 0.05) ? 1 : 0 }
        }
        batch.agentMask = [Float](repeating: 1, count: batchSize * agents)
        return batch
    }

    /// Matrix-product FLOPs of one update: target forward + online forward + online backward
    /// (2× forward). The SwiGLU FFN is skipped while its weights are zero (spec P2) and not counted.
    static func modelFlops(_ c: ModelConfig, batch: Int, timeSteps: Int, agents: Int) -> Double {
        let r = Double(batch * timeSteps * agents), e = Double(c.embedding), l = Double(timeSteps * agents)
        let msr = 10 * r * e * e + 4 * Double(batch) * l * l * e
        let heads = 2 * (2 * r * e * e) + 2 * r * e * Double(c.actionCount + c.qWidth)
        let forward = 2 * r * Double(c.inputSize) * e + 2 * r * Double(c.actionCount + 1) * e
            + Double(c.blocks) * 3 * msr + heads
        return 4 * forward
    }
}
