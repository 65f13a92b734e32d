import Foundation
import Losses
import Testing
import Training

/// The settings table: every setting parses what it prints, refuses what it does not accept, and
/// drives the resume check and the JSON config.
@Suite struct TrainConfigTests {
    @Test("every setting reads back what it prints, and the JSON config round-trips")
    func everySettingRoundTrips() throws {
        var config = TrainConfig()
        try config.set("vmin", "-2.5")
        try config.set("batching", "single-task")
        try config.set("masking", "off")
        try config.set("algo", "cql")
        try config.set("gamma", "0.95")
        var copy = TrainConfig()
        for setting in TrainConfig.settings { try setting.set(setting.value(in: config), in: &copy) }
        #expect(copy.resolvedText == config.resolvedText)
        var fromJSON = TrainConfig()
        try fromJSON.loadJSON(text: config.json, source: "test")
        #expect(fromJSON.resolvedText == config.resolvedText)
        #expect(fromJSON.loss.kind == .cql && !fromJSON.loss.masksAbsentAgents && fromJSON.batching == .singleTask)
        #expect(fromJSON.loss.gamma == 0.95 && fromJSON.vmin == -2.5)
    }

    @Test("auto support bounds are accepted as text, other words are not")
    func autoBounds() throws {
        var config = TrainConfig()
        try config.set("vmin", "3")
        try config.set("vmin", "auto")
        #expect(config.vmin.isNaN)
        #expect(try config.value(of: "vmin") == "auto")
        #expect(throws: ConfigError.badValue("vmax", "automatic", "a number in -1000000000.0...1000000000.0 or auto")) {
            try config.set("vmax", "automatic")
        }
        #expect(throws: ConfigError.badValue("gamma", "auto", "a number in 0.0...1.0")) { try config.set("gamma", "auto") }
    }

    @Test("values outside a setting's range or choices name what is accepted")
    func badValuesNameTheRange() throws {
        var config = TrainConfig()
        #expect(throws: ConfigError.badValue("heads", "0", "an integer in 1...64")) { try config.set("heads", "0") }
        #expect(throws: ConfigError.badValue("algo", "ppo", "one of oryx, cql, bc")) { try config.set("algo", "ppo") }
        #expect(throws: ConfigError.badValue("masking", "yes", "on or off")) { try config.set("masking", "yes") }
        #expect(throws: ConfigError.unknownKey("bacth", "batch")) { try config.set("bacth", "4") }
    }

    @Test("the embedding/heads rule is the model's, checked before any data is opened")
    func shapeRuleIsShared() throws {
        var config = TrainConfig()
        try config.set("embed", "16")
        try config.set("heads", "3")
        #expect(throws: ConfigError.self) { try config.validate() }
        try config.set("heads", "2")
        try config.validate()
    }

    @Test("only settings marked resumable may differ on resume")
    func resumeConflicts() throws {
        let saved = TrainConfig()
        var resumed = saved
        try resumed.set("steps", "99")
        try resumed.set("eval-every", "7")
        #expect(resumed.resumeConflict(with: saved) == nil)
        try resumed.set("lr", "0.001")
        #expect(resumed.resumeConflict(with: saved) == "lr")
        var other = saved
        try other.set("algo", "bc")
        #expect(other.resumeConflict(with: saved) == "algo")
    }

    @Test("each loss kind says what it needs", arguments: LossKind.allCases)
    func lossKindCapabilities(kind: LossKind) {
        let terms = kind.terms
        #expect(kind.usesQHead == (terms.critic || terms.conservative))
        #expect(kind.usesTargetNetwork == terms.critic)
        #expect(kind.usesICQStatistics == (kind == .oryx))
        #expect(kind.actionSelection == (terms.policy ? .sample : .greedyQ))
    }
}
