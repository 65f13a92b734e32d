import TensorCore

extension TaskBalancedSampler {
    /// Writes one sample (all T steps, all N slots) into row `row` of `batch`.
    func fillRow(_ batch: inout AgentBatch, row: Int, entry: PlanEntry, start: Int, permutation: [Int]) {
        let dataset = datasets[entry.task]
        let task = dataset.metadata.task
        let n = task.agentCount
        let f = task.observationSize
        let t0 = configuration.timeSteps
        let slots = agentSlots
        let d = inputSize
        let a = actionCount
        batch.taskIndex[row] = Int32(entry.task)
        for j in 0..<slots { batch.agentMask[row * slots + j] = permutation[j] < n ? 1 : 0 }
        dataset.withFlags { flags in
            for t in 0..<t0 {
                let step = start + t
                batch.resets[row * t0 + t] = step > 0 && flags[step - 1] != 0 ? 1 : 0
            }
        }
        dataset.withObservations { source in
            batch.observations.withUnsafeMutableBufferPointer { target in
                forEachToken(row: row, start: start, permutation: permutation) { token, step, agent in
                    let out = target.baseAddress! + token * d
                    guard agent < n else {
                        out.update(repeating: 0, count: d)
                        return
                    }
                    out.update(repeating: 0, count: slots)
                    out[agent] = 1
                    (out + slots).update(from: source.baseAddress! + (step * n + agent) * f, count: f)
                    (out + slots + f).update(repeating: 0, count: d - slots - f)
                }
            }
        }
        dataset.withActions { actions in
            dataset.withRewards { rewards in
                batch.actions.withUnsafeMutableBufferPointer { actionsOut in
                    batch.rewards.withUnsafeMutableBufferPointer { rewardsOut in
                        forEachToken(row: row, start: start, permutation: permutation) { token, step, agent in
                            actionsOut[token] = agent < n ? Int32(actions[step * n + agent]) : 0
                            rewardsOut[token] = agent < n ? rewards[step] : 0
                        }
                    }
                }
            }
        }
        dataset.withLegal { legal in
            batch.legal.withUnsafeMutableBufferPointer { target in
                forEachToken(row: row, start: start, permutation: permutation) { token, step, agent in
                    let out = target.baseAddress! + token * a
                    if agent < n {
                        out.update(from: legal.baseAddress! + (step * n + agent) * a, count: a)
                    } else {
                        out.update(repeating: 1, count: a)
                    }
                }
            }
        }
    }

    /// Calls `body(token, step, agent)` for every token of batch row `row`, time-major: for t in
    /// 0..<T and slot j in 0..<slots, token = (row·T + t)·slots + j, step = `start` + t (on the
    /// dataset's time axis) and agent = `permutation[j]` (≥ the task's agent count: a padding slot).
    @inline(__always)
    private func forEachToken(row: Int, start: Int, permutation: [Int], _ body: (_ token: Int, _ step: Int, _ agent: Int) -> Void) {
        let t0 = configuration.timeSteps
        let slots = agentSlots
        for t in 0..<t0 {
            for j in 0..<slots { body((row * t0 + t) * slots + j, start + t, permutation[j]) }
        }
    }
}
