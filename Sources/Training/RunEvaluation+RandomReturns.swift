import Datasets
import Distributed
import Environments

extension RunEvaluation {
    /// Measures the random policy's return of every evaluated task whose reference row has none (a
    /// table written before `collect` measured them) and puts it into the normaliser, so such a
    /// table normalises rather than fails. Tasks are dealt round-robin to ranks; task t is played
    /// from seed StableHash("random-return/t") with the default `ReferencePrecision`, so every
    /// run measures the same value. Collective: every rank calls it.
    /// - Returns: the ids of the tasks measured.
    public mutating func measureMissingRandomReturns(communicator: any Communicator) throws -> [String] {
        var table = normaliser.references
        let missing = allTasks.filter { table[$0.id].map { !$0.hasRandom } ?? false }
        guard !missing.isEmpty else { return [] }
        var measured = [Double](repeating: 0, count: 2 * missing.count)
        for (index, task) in missing.enumerated() where index % communicator.size == communicator.rank {
            let random = DatasetCollector.measureRandom(task: task, seed: StableHash.hash("random-return/\(task.id)"),
                                                        precision: ReferencePrecision(), reference: table[task.id]!.mean)
            (measured[2 * index], measured[2 * index + 1]) = (random.mean, random.standardError)
        }
        try communicator.allReduceSum(&measured)
        for (index, task) in missing.enumerated() {
            table[task.id]!.randomMean = measured[2 * index]
            table[task.id]!.randomStandardError = measured[2 * index + 1]
        }
        normaliser = ReturnNormaliser(references: table, method: normaliser.method)
        return missing.map(\.id)
    }
}
