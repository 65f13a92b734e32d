import Datasets
import Foundation
import Testing
import TestSupport
import Training

/// `--standardise` end to end: a run keeps the statistics it trained with, every reader of the run
/// uses them, and runs saved before the setting existed keep acting on raw observations.
@Suite struct StandardisationRunTests {
    func evaluate(_ run: String) throws -> ProcessOutcome {
        try ProcessRunner.run(try TrainerFixture.binary(), arguments: ["evaluate", "--run", run, "--episodes", "4", "--checkpoint", "latest"],
                              timeoutSeconds: 300)
    }

    @Test func aRunStoresItsStandardisationAndItsReadersNeedIt() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-standardise")
        let run = directory.file("run").path
        let outcome = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "6", "out": run]))
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        let file = RunDirectory(path: run).observationStandardisation
        let stored = try ObservationStandardiser.read(path: file)
        // The statistics of the training datasets (the fixture's three LBF tasks), nothing else.
        let tasks = try TrainingTasks(kind: .lbf, selection: TrainerFixture.tasks)
        let refit = ObservationStandardiser.fit(datasets: try tasks.openDatasets(directory: try TrainerFixture.dataDirectory.get()),
                                                featureSize: tasks.featureSize)
        #expect(stored == refit)
        #expect(try evaluate(run).exitStatus == 0)

        // A run that standardises cannot be evaluated without its statistics: an error naming the file.
        try FileManager.default.removeItem(atPath: file)
        let missing = try evaluate(run)
        #expect(missing.exitStatus == 1 && missing.standardError.contains(ObservationStandardiser.fileName), "\(missing.combinedOutput)")
    }

    /// config.json written before the setting existed has no "standardise" key: that run trained on
    /// raw observations, and evaluate and resume keep it so (today's default is on).
    @Test func aRunSavedBeforeTheSettingActsOnRawObservations() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-standardise")
        let run = directory.file("run").path
        let outcome = try TrainerFixture.train(TrainerFixture.arguments(overriding: ["steps": "6", "out": run, "standardise": "off"]))
        #expect(outcome.exitStatus == 0, "\(outcome.combinedOutput)")
        let directoryOfRun = RunDirectory(path: run)
        #expect(!FileManager.default.fileExists(atPath: directoryOfRun.observationStandardisation))
        // Remove the key from config.json and from the checkpoint's copy, as an older version wrote them.
        func withoutKey(_ json: String) -> String {
            json.split(separator: "\n").filter { !$0.contains("\"standardise\"") }.joined(separator: "\n") + "\n"
        }
        let config = try String(contentsOfFile: directoryOfRun.configFile, encoding: .utf8)
        #expect(withoutKey(config) != config)
        try withoutKey(config).write(toFile: directoryOfRun.configFile, atomically: true, encoding: .utf8)
        var checkpoint = try Checkpoint.read(from: directoryOfRun.latestCheckpoint)
        #expect(withoutKey(checkpoint.configJSON) != checkpoint.configJSON)
        checkpoint.configJSON = withoutKey(checkpoint.configJSON)
        try checkpoint.write(to: directoryOfRun.latestCheckpoint)
        #expect(try TrainConfig.saved(file: directoryOfRun.configFile).standardisesObservations == false)
        let evaluated = try evaluate(run)
        #expect(evaluated.exitStatus == 0, "\(evaluated.combinedOutput)")
        let resumed = try TrainerFixture.train(["--resume", run, "--steps", "8"])
        #expect(resumed.exitStatus == 0, "\(resumed.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: directoryOfRun.observationStandardisation))
    }
}
