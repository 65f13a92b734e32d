import Testing

/// The real cluster tests (issues #8, #16, #18): a one-node Slurm started here, two test hosts
/// as network namespaces, the PBS scripts under a simulated PBS. They need root and
/// minutes; without the privilege they report themselves skipped, never passed.
/// One at a time: they share the machine's 2 cores.
@Suite(.serialized)
struct ClusterScriptTests {
    @Test func slurmRunsTrainingEvaluationAndRequeuedTrainingToCompletion() throws {
        try ClusterScript(name: "slurm-one-node.sh", timeLimitSeconds: 1200).runAndReport()
    }

    @Test func slurmRunsAnExperimentAsAJobArrayAndRequeuesAWholeGridJob() throws {
        try ClusterScript(name: "slurm-experiment-array.sh", timeLimitSeconds: 600).runAndReport()
    }

    @Test func slurmRunsOnlineRunsAsAJobArrayGathersTheirDatasetsAndRequeuesATwoTaskJob() throws {
        try ClusterScript(name: "slurm-online-array.sh", timeLimitSeconds: 400).runAndReport()
    }

    @Test func twoNamespaceHostsOverTCPEndWithTheOneHostParameters() throws {
        try ClusterScript(name: "multihost-namespaces.sh", timeLimitSeconds: 600).runAndReport()
    }

    @Test func pbsScriptsTrainEvaluateAndResumeUnderSimulatedPBS() throws {
        try ClusterScript(name: "pbs-simulated.sh", timeLimitSeconds: 900).runAndReport()
    }
}
