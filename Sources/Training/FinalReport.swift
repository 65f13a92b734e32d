import Foundation

/// The end-of-run summary: `final.json` (encoded as is) and the table printed by rank 0, by
/// `mtrl-dist evaluate` and by `mtrl-dist report` (which decodes `final.json`).
public struct FinalReport: Codable, Sendable {
    public var updates: Int
    /// The update whose parameters were evaluated.
    public var evaluatedUpdate: Int
    /// How they were chosen: "train" / "test" (best by that split's score) or "latest".
    public var selectBy: String
    public var parameterChecksum: String
    public var tokensPerSecond: Double
    /// Agent-token rows computed per second (padded slots included; equal to `tokensPerSecond` on
    /// compact batches; nil where a final.json predates the field).
    public var computedTokensPerSecond: Double?
    public var allReduceFraction: Double
    public var peakMemoryMB: Double
    public var elapsedSeconds: Double
    public var ranks: Int
    /// The behaviour whose reference returns normalise the scores.
    public var behaviour: String
    /// How the scores are normalised (`ratio` where a final.json predates the field).
    public var normalisation: NormalisationMethod
    /// Evaluated tasks without a normalised score (NaN), with why: their reference does not beat random.
    public var flaggedTasks: [String: String]
    /// Per evaluated task, its data's source and the reference return that normalised it (empty
    /// where a final.json predates the field).
    public var references: [String: TaskReference]
    public var scores: [TaskScore]
    public var randomScores: [TaskScore]
    /// Rank 0's mean seconds per update in each phase (nil where a final.json predates the field,
    /// and for `evaluate`).
    public var updatePhases: UpdatePhaseTimes?
    /// Rank 0's CPU and OpenBLAS kernel when the run finished (`MachineInfo.summary`), so speed
    /// figures can be read against the machine; nil for `evaluate` and where a final.json predates it.
    public var machine: String?

    public init(updates: Int, evaluatedUpdate: Int, selectBy: String, parameterChecksum: String, tokensPerSecond: Double,
                allReduceFraction: Double, peakMemoryMB: Double, elapsedSeconds: Double, ranks: Int, behaviour: String,
                normalisation: NormalisationMethod, flaggedTasks: [String: String], references: [String: TaskReference] = [:],
                scores: [TaskScore], randomScores: [TaskScore], updatePhases: UpdatePhaseTimes? = nil,
                computedTokensPerSecond: Double? = nil, machine: String? = nil) {
        self.updates = updates
        self.evaluatedUpdate = evaluatedUpdate
        self.selectBy = selectBy
        self.parameterChecksum = parameterChecksum
        self.tokensPerSecond = tokensPerSecond
        self.allReduceFraction = allReduceFraction
        self.peakMemoryMB = peakMemoryMB
        self.elapsedSeconds = elapsedSeconds
        self.ranks = ranks
        self.behaviour = behaviour
        self.normalisation = normalisation
        self.flaggedTasks = flaggedTasks
        self.references = references
        self.scores = scores
        self.randomScores = randomScores
        self.updatePhases = updatePhases
        self.computedTokensPerSecond = computedTokensPerSecond
        self.machine = machine
    }

    /// Reads `final.json`. - Throws: `RunDirectoryError.missingFile` / `.unreadableReport` naming the file.
    public static func read(path: String) throws -> FinalReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunDirectoryError.missingFile(path) }
        do { return try JSONDecoder().decode(FinalReport.self, from: data) } catch {
            throw RunDirectoryError.unreadableReport(path, "\(error)")
        }
    }

    /// The JSON text of `final.json`.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The score table and the run's speed and memory.
    public var text: String {
        guard !scores.isEmpty else {
            return "finished \(updates) updates in \(Trainer.duration(elapsedSeconds)); no final evaluation (--final-eval-episodes 0)"
                + (updatePhases.map { "\n" + Self.phaseText($0) } ?? "")
        }
        return scoreTable + "\n" + String(format: "%d updates on %d rank(s) in %@, %.0f agent-tokens/s, all-reduce %.1f%% of time, peak memory %.0f MB",
                                          updates, ranks, Trainer.duration(elapsedSeconds), tokensPerSecond, 100 * allReduceFraction, peakMemoryMB)
            + (updatePhases.map { "\n" + Self.phaseText($0) } ?? "")
    }

    /// "per update (rank 0): forward 41.2 ms, backward ..., all-reduce wait ..., optimizer ...".
    static func phaseText(_ p: UpdatePhaseTimes) -> String {
        String(format: "per update (rank 0): forward %.1f ms, backward %.1f ms, all-reduce wait %.1f ms, optimizer %.1f ms",
               p.forward * 1e3, p.backward * 1e3, p.allReduceWait * 1e3, p.optimizer * 1e3)
    }

    /// A table: per task the policy's and the random policy's normalised returns, then split means;
    /// its header says how they are normalised and names the flagged tasks.
    public var scoreTable: String {
        let which = selectBy == "latest" ? "the latest parameters (update \(evaluatedUpdate))"
            : "the best parameters (update \(evaluatedUpdate), selected by \(selectBy) score)"
        var lines = ["final evaluation of \(which), \(scores.first?.episodes ?? 0) episodes per task; "
            + normalisation.explanation(behaviour: behaviour)]
        if let warning = ReturnNormaliser.warning(flagged: flaggedTasks) { lines.append(warning) }
        if Set(references.values.map(\.source)).count > 1 {
            lines.append("mixed sources: " + references.keys.sorted().map { task in
                String(format: "%@ %@ (R_ref %.3f)", task, references[task]!.source, references[task]!.reference)
            }.joined(separator: ", "))
        }
        lines += ["task                      role   policy   random   (mean return: policy / random)"]
        for (s, r) in zip(scores, randomScores) {
            let role = s.trained ? "train" : "held"
            lines.append(s.taskID.padding(toLength: 26, withPad: " ", startingAt: 0) + role.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(format: "%6.3f   %6.3f   (%.3f / %.3f)", s.normalisedReturn, r.normalisedReturn, s.meanReturn, r.meanReturn))
        }
        func mean(_ s: [TaskScore], trained: Bool) -> Double { TaskScore.meanNormalised(s, trained: trained) }
        lines.append(String(format: "mean train (seen) tasks:     policy %.3f   random %.3f", mean(scores, trained: true),
                            mean(randomScores, trained: true)))
        lines.append(String(format: "mean held-out (zero-shot):   policy %.3f   random %.3f", mean(scores, trained: false),
                            mean(randomScores, trained: false)))
        return lines.joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey {
        case updates, evaluatedUpdate = "evaluated_update", selectBy = "select_by", parameterChecksum = "parameter_checksum"
        case tokensPerSecond = "tokens_per_second", computedTokensPerSecond = "computed_tokens_per_second", allReduceFraction = "allreduce_fraction", peakMemoryMB = "peak_rss_mb"
        case elapsedSeconds = "elapsed_s", ranks, behaviour, normalisation, flaggedTasks = "flagged_tasks", references
        case scores = "policy", randomScores = "random", updatePhases = "update_phases", machine
        case policyTrainMean = "policy_train_mean", policyTestMean = "policy_test_mean"
        case randomTrainMean = "random_train_mean", randomTestMean = "random_test_mean"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        updates = try c.decode(Int.self, forKey: .updates)
        evaluatedUpdate = try c.decode(Int.self, forKey: .evaluatedUpdate)
        selectBy = try c.decode(String.self, forKey: .selectBy)
        parameterChecksum = try c.decode(String.self, forKey: .parameterChecksum)
        tokensPerSecond = try c.decodeNumber(forKey: .tokensPerSecond)
        computedTokensPerSecond = c.contains(.computedTokensPerSecond) ? try c.decodeNumber(forKey: .computedTokensPerSecond) : nil
        allReduceFraction = try c.decodeNumber(forKey: .allReduceFraction)
        peakMemoryMB = try c.decodeNumber(forKey: .peakMemoryMB)
        elapsedSeconds = try c.decodeNumber(forKey: .elapsedSeconds)
        ranks = try c.decode(Int.self, forKey: .ranks)
        behaviour = try c.decodeIfPresent(String.self, forKey: .behaviour) ?? "oracle"
        normalisation = try c.decodeIfPresent(NormalisationMethod.self, forKey: .normalisation) ?? .ratio
        flaggedTasks = try c.decodeIfPresent([String: String].self, forKey: .flaggedTasks) ?? [:]
        references = try c.decodeIfPresent([String: TaskReference].self, forKey: .references) ?? [:]
        scores = try c.decode([TaskScore].self, forKey: .scores)
        randomScores = try c.decode([TaskScore].self, forKey: .randomScores)
        updatePhases = try c.decodeIfPresent(UpdatePhaseTimes.self, forKey: .updatePhases)
        machine = try c.decodeIfPresent(String.self, forKey: .machine)
    }

    /// Writes every field, and the split means for readers that want them without recomputing.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(updates, forKey: .updates)
        try c.encode(evaluatedUpdate, forKey: .evaluatedUpdate)
        try c.encode(selectBy, forKey: .selectBy)
        try c.encode(parameterChecksum, forKey: .parameterChecksum)
        try c.encodeNumber(tokensPerSecond, forKey: .tokensPerSecond)
        if let computedTokensPerSecond { try c.encodeNumber(computedTokensPerSecond, forKey: .computedTokensPerSecond) }
        try c.encodeNumber(allReduceFraction, forKey: .allReduceFraction)
        try c.encodeNumber(peakMemoryMB, forKey: .peakMemoryMB)
        try c.encodeNumber(elapsedSeconds, forKey: .elapsedSeconds)
        try c.encode(ranks, forKey: .ranks)
        try c.encode(behaviour, forKey: .behaviour)
        try c.encode(normalisation, forKey: .normalisation)
        try c.encode(flaggedTasks, forKey: .flaggedTasks)
        try c.encode(references, forKey: .references)
        try c.encode(scores, forKey: .scores)
        try c.encode(randomScores, forKey: .randomScores)
        try c.encodeIfPresent(updatePhases, forKey: .updatePhases)
        try c.encodeIfPresent(machine, forKey: .machine)
        try c.encodeNumber(TaskScore.meanNormalised(scores, trained: true), forKey: .policyTrainMean)
        try c.encodeNumber(TaskScore.meanNormalised(scores, trained: false), forKey: .policyTestMean)
        try c.encodeNumber(TaskScore.meanNormalised(randomScores, trained: true), forKey: .randomTrainMean)
        try c.encodeNumber(TaskScore.meanNormalised(randomScores, trained: false), forKey: .randomTestMean)
    }
}
