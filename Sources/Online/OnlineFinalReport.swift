import Foundation
import Statistics
import Training

/// The end of an online run (`final.json`): the normalisation references of spec §3 — R_final,
/// the final parameters' mean return, and R_max, the best-by-evaluation parameters' (the reference
/// [PROJECT CHOICE, §3]) — each over the final-evaluation episodes with its standard error, the
/// hyperparameter set (pitfall P18), and speed.
public struct OnlineFinalReport: Codable, Sendable {
    public var task: String
    /// `OnlineSettingsSet` name, and the keys of it this run changed.
    public var settingsSet: String
    public var settingsSetChanges: [String]
    public var updates: Int
    public var environmentSteps: Int
    public var ranks: Int
    /// R_final, and the update of its parameters (the last).
    public var finalReturn: MeanWithError
    public var finalUpdate: Int
    /// R_max, and the update whose parameters scored best in periodic evaluation.
    public var maximumReturn: MeanWithError
    public var bestUpdate: Int
    public var parameterChecksum: String
    public var bestParameterChecksum: String
    public var elapsedSeconds: Double
    /// Rank 0's mean seconds per update acting (rollout, GAE) and training (PPO epochs), this process's updates.
    public var actingSecondsPerUpdate: Double
    public var trainingSecondsPerUpdate: Double
    /// Env agent-steps of all ranks per second of acting and training.
    public var agentStepsPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case task, settingsSet = "settings_set", settingsSetChanges = "settings_set_changes", updates
        case environmentSteps = "env_steps", ranks, finalReturn = "r_final", finalUpdate = "r_final_update"
        case maximumReturn = "r_max", bestUpdate = "r_max_update", parameterChecksum = "parameter_checksum"
        case bestParameterChecksum = "best_parameter_checksum", elapsedSeconds = "elapsed_s"
        case actingSecondsPerUpdate = "acting_s_per_update", trainingSecondsPerUpdate = "training_s_per_update"
        case agentStepsPerSecond = "agent_steps_per_s"
    }

    /// Reads `final.json`. - Throws: `RunDirectoryError.missingFile` / `.unreadableReport` naming the file.
    public static func read(path: String) throws -> OnlineFinalReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunDirectoryError.missingFile(path) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(OnlineFinalReport.self, from: data) } catch {
            throw RunDirectoryError.unreadableReport(path, "\(error)")
        }
    }

    /// The JSON text of `final.json` (a non-finite number, e.g. the speed of a run without updates, as the string "nan").
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The summary printed at the end.
    public var text: String {
        String(format: "final evaluation on %@ (%d episodes each): R_final %.3f ± %.3f (update %d), R_max %.3f ± %.3f (best, update %d)\n"
               + "%d updates, %d env steps on %d rank(s) in %@; per update acting %.2fs, training %.2fs; %.0f agent-steps/s",
               task, finalReturn.count, finalReturn.mean, finalReturn.standardError, finalUpdate, maximumReturn.mean,
               maximumReturn.standardError, bestUpdate, updates, environmentSteps, ranks, Trainer.duration(elapsedSeconds),
               actingSecondsPerUpdate, trainingSecondsPerUpdate, agentStepsPerSecond)
    }
}
