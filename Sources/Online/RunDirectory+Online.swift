import Foundation
import Training

extension RunDirectory {
    /// Takes the run directory for an online run (rank 0): creates it, takes the lock, and decides
    /// whether the run there continues — it does when the directory holds an online run's config
    /// and checkpoint, whose settings must then equal `settings` but for those a restart may change.
    /// A directory with other contents is refused. Removes temporaries a killed writer left.
    /// - Returns: the lock, to hold while training, and whether the run resumes.
    /// - Throws: `RunDirectoryError` (`.cannotWrite`, `.locked`, `.foreign`, `.configMismatch`).
    public func claimOnline(settings: OnlineRunSettings) throws -> (lock: RunLock, resumes: Bool) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue {
            throw RunDirectoryError.foreign(path, "it is a file")
        }
        do { try fm.createDirectory(atPath: checkpointsDirectory, withIntermediateDirectories: true) } catch {
            throw RunDirectoryError.cannotWrite(path)
        }
        guard fm.isWritableFile(atPath: checkpointsDirectory) else { throw RunDirectoryError.cannotWrite(path) }
        let lock = try RunLock(directory: path, purpose: "online")
        guard fm.fileExists(atPath: configFile) else {
            let others = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") && $0 != "checkpoints" }
            let checkpoints = ((try? fm.contentsOfDirectory(atPath: checkpointsDirectory)) ?? []).filter { !$0.hasPrefix(".") }
            if !others.isEmpty || !checkpoints.isEmpty {
                throw RunDirectoryError.foreign(path, "it holds \((others + checkpoints.map { "checkpoints/\($0)" }).sorted().prefix(3).joined(separator: ", ")) but no config.json")
            }
            return (lock, false)
        }
        var saved = OnlineRunSettings()
        do {
            guard let data = fm.contents(atPath: configFile) else { throw ConfigError.unreadable(configFile) }
            try saved.loadJSON(text: String(decoding: data, as: UTF8.self), source: configFile)
        } catch {
            throw RunDirectoryError.foreign(path, "its config.json is not an online run's: \(error)")
        }
        if let key = settings.resumeConflict(with: saved) {
            throw RunDirectoryError.configMismatch(path, key, values: (try saved.value(of: key), try settings.value(of: key)))
        }
        removeStaleTemporaries()
        return (lock, hasCheckpoint)
    }
}
