import Environments

extension DatasetFile {
    /// Refuses NaN and ±infinity in the observations and rewards, naming the episode, step, agent
    /// and feature of the first one. A bit test on the exponent, a chunk at a time: one fast pass.
    func validateFiniteValues() throws {
        let n = metadata.task.agentCount, features = metadata.task.observationSize
        if let index = withObservations({ Self.firstNonFinite($0) }) {
            let perStep = n * features
            let step = index / perStep, agent = index % perStep / features, feature = index % features
            let value = withObservations { $0[index] }
            throw nonFinite(section: "observations", value: value, step: step, detail: ", agent \(agent), feature \(feature)")
        }
        if let step = withRewards({ Self.firstNonFinite($0) }) {
            throw nonFinite(section: "rewards", value: withRewards { $0[step] }, step: step, detail: "")
        }
    }

    private func nonFinite(section: String, value: Float, step: Int, detail: String) -> DatasetError {
        let episode = episodes.firstIndex { step >= $0.start && step < $0.start + $0.length } ?? -1
        let within = episode >= 0 ? step - episodes[episode].start : step
        return DatasetError.badField(
            path: path, section: section, field: "value at episode \(episode), step \(within)\(detail)", found: "\(value)",
            expected: "a finite number")
    }

    /// Index of the first NaN or infinity, nil if none.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        let exponent: UInt32 = 0x7F80_0000
        let chunk = 4096
        var start = 0
        while start < values.count {
            let end = min(values.count, start + chunk)
            var largest: UInt32 = 0
            for k in start..<end { largest = max(largest, values[k].bitPattern & exponent) }
            if largest == exponent { return (start..<end).first { !values[$0].isFinite } }
            start = end
        }
        return nil
    }

    /// Checks that the file holds `task`: the id and parameters in its header against the registry's,
    /// so a dataset copied or renamed over another task's file is refused.
    /// - Throws: `DatasetError.wrongTask` naming the file, what its header says and what was expected.
    public func check(holds task: TaskSpec) throws {
        let expected = TaskDescription(task: task), found = metadata.task
        let fields: [(String, String, String)] = [
            ("task id", found.id, expected.id), ("environment", found.environment, expected.environment),
            ("parameters", found.parameters, expected.parameters), ("agents", "\(found.agentCount)", "\(expected.agentCount)"),
            ("observation size", "\(found.observationSize)", "\(expected.observationSize)"),
            ("actions", "\(found.actionCount)", "\(expected.actionCount)"),
        ]
        if let (field, value, wanted) = fields.first(where: { $0.1 != $0.2 }) {
            throw DatasetError.wrongTask(path: path, field: field, found: value, expected: wanted, task: task.id)
        }
    }
}
