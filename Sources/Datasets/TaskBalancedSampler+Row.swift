import TensorCore

extension TaskBalancedSampler {
    /// Writes one sample (all T steps, the padded slots `columns`) into sample `row` of `batch`,
    /// whose layout `setColumns` has already set.
    func fillRow(_ batch: inout AgentBatch, row: Int, entry: PlanEntry, start: Int, permutation: [Int], columns: [Int]) {
        let dataset = datasets[entry.task]
        let task = dataset.metadata.task
        let n = task.agentCount
        let f = task.observationSize
        let t0 = configuration.timeSteps
        let slots = agentSlots
        let d = inputSize
        let a = actionCount
        let standardiser = configuration.standardiser
        batch.taskIndex[row] = Int32(entry.task)
        for c in 0..<slots { batch.agentMask[row * slots + c] = c < columns.count && permutation[columns[c]] < n ? 1 : 0 }
        let first = batch.rows(ofSample: row).lowerBound
        dataset.withFlags { flags in
            for t in 0..<t0 {
                let step = start + t
                batch.resets[row * t0 + t] = step > 0 && flags[step - 1] != 0 ? 1 : 0
            }
        }
        dataset.withObservations { source in
            batch.observations.withUnsafeMutableBufferPointer { target in
                forEachToken(firstRow: first, start: start, permutation: permutation, columns: columns) { token, step, agent in
                    let out = target.baseAddress! + token * d
                    guard agent < n else {
                        out.update(repeating: 0, count: d)
                        return
                    }
                    out.update(repeating: 0, count: slots)
                    out[agent] = 1
                    (out + slots).update(from: source.baseAddress! + (step * n + agent) * f, count: f)
                    standardiser?.apply(out + slots, count: f)
                    (out + slots + f).update(repeating: 0, count: d - slots - f)
                }
            }
        }
        dataset.withActions { actions in
            dataset.withRewards { rewards in
                batch.actions.withUnsafeMutableBufferPointer { actionsOut in
                    batch.rewards.withUnsafeMutableBufferPointer { rewardsOut in
                        forEachToken(firstRow: first, start: start, permutation: permutation, columns: columns) { token, step, agent in
                            actionsOut[token] = agent < n ? Int32(actions[step * n + agent]) : 0
                            rewardsOut[token] = agent < n ? rewards[step] : 0
                        }
                    }
                }
            }
        }
        dataset.withLegal { legal in
            batch.legal.withUnsafeMutableBufferPointer { target in
                forEachToken(firstRow: first, start: start, permutation: permutation, columns: columns) { token, step, agent in
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

    /// Calls `body(token, step, agent)` for every token of the sample whose rows start at `firstRow`,
    /// time-major: for t in 0..<T and column c, token = firstRow + t·columns.count + c, step = `start`
    /// + t (on the dataset's time axis) and agent = `permutation[columns[c]]` (≥ the task's agent
    /// count: a padding slot).
    @inline(__always)
    private func forEachToken(firstRow: Int, start: Int, permutation: [Int], columns: [Int],
                              _ body: (_ token: Int, _ step: Int, _ agent: Int) -> Void) {
        let width = columns.count
        for t in 0..<configuration.timeSteps {
            for c in 0..<width { body(firstRow + t * width + c, start + t, permutation[columns[c]]) }
        }
    }
}
