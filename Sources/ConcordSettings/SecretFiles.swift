import Foundation

/// The `_FILE` convention of container and systemd deployments: `CONCORD_DATABASE_URL_FILE=/run/secrets/db`
/// stands for `CONCORD_DATABASE_URL` with that file's contents, so a secret never sits in the environment
/// or in a unit file.
enum SecretFiles {
    static let suffix = "_FILE"

    /// Replaces every `CONCORD_…_FILE` variable but `CONCORD_CONFIG_FILE` by the variable it stands for; returns the names so filled.
    static func resolve(_ variables: inout [String: String]) throws -> Set<String> {
        var filled: Set<String> = []
        let prefix = Settings.environmentPrefix + "_"
        for (name, path) in variables
        where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name != Settings.configFileVariable {
            let target = String(name.dropLast(suffix.count))
            if variables[target] != nil {
                throw InvalidSetting(variable: name, reason: "set either \(target) or \(name), not both")
            }
            let contents: String
            do {
                contents = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw InvalidSetting(variable: name, reason: "cannot read '\(path)': \(error.localizedDescription)")
            }
            // Secret files usually end with a newline that is no part of the secret.
            let value = contents.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw InvalidSetting(variable: name, reason: "'\(path)' is empty") }
            variables[target] = value
            filled.insert(target)
        }
        for name in filled { variables[name + suffix] = nil }
        return filled
    }
}
