import Configuration
import Foundation

/// Concord's settings through swift-configuration: environment variables (`CONCORD_API_PORT`) first, then
/// secret files (`CONCORD_DATABASE_URL_FILE`), then an optional JSON file named by `CONCORD_CONFIG_FILE`
/// (`{"api": {"port": 8080}}`). Reading a setting that is present but unusable throws `InvalidSetting`
/// naming its variable, so every process refuses a bad value in the same way.
public struct Settings: Sendable {
    static let environmentPrefix = "CONCORD"
    public static let configFileVariable = "CONCORD_CONFIG_FILE"

    private let reader: ConfigReader
    private let providers: [any ConfigProvider]

    /// Reads the environment, the secret files and the config file once; later changes are not seen.
    public static func load(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Settings {
        // An empty variable means unset, as in the shell's `${VAR:-default}`.
        var variables = environment.filter { !$0.value.isEmpty }
        let secrets = try SecretFiles.resolve(&variables)
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: variables,
            secretsSpecifier: .dynamic { name, _ in secrets.contains(name) || name.hasSuffix("DATABASE_URL") }
        )
        var providers: [any ConfigProvider] = [
            environmentProvider.prefixKeys(with: ConfigKey(environmentPrefix.lowercased()))
        ]
        if let path = variables[configFileVariable] {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(path)))
            } catch {
                throw InvalidSetting(variable: configFileVariable, reason: "cannot use '\(path)': \(error)")
            }
        }
        return Settings(reader: ConfigReader(providers: providers), providers: providers)
    }

    /// The text of a setting, or nil when no source sets it.
    public func string(_ name: SettingName) throws -> String? {
        guard let raw = rawValue(name) else { return nil }
        guard let text = reader.string(forKey: ConfigKey(name.key), isSecret: true) else {
            throw InvalidSetting(variable: name.variable, reason: "'\(raw)' is not text")
        }
        return text
    }

    /// A whole number in `range`, or `fallback` when no source sets it.
    public func integer(_ name: SettingName, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = rawValue(name) else { return fallback }
        guard let number = try? reader.requiredInt(forKey: ConfigKey(name.key)), range.contains(number) else {
            throw InvalidSetting(variable: name.variable, reason: "'\(raw)' is not a whole number in \(range)")
        }
        return number
    }

    /// One of `choices`, or `fallback` when no source sets it.
    public func choice(_ name: SettingName, default fallback: String, among choices: [String]) throws -> String {
        guard let text = try string(name) else { return fallback }
        guard choices.contains(text) else {
            throw InvalidSetting(
                variable: name.variable, reason: "'\(text)' is not one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    /// An absolute URL, or `fallback` when no source sets it.
    public func url(_ name: SettingName, default fallback: String) throws -> String {
        let text = try string(name) ?? fallback
        guard URL(string: text)?.scheme != nil else {
            throw InvalidSetting(variable: name.variable, reason: "'\(text)' is not an absolute URL")
        }
        return text
    }

    /// The setting as the first source that has it holds it, whatever its type; nil when none has it.
    /// The reader's typed getters fall back silently on a value of the wrong type, so presence is asked of
    /// the providers directly: a provider that holds the key with another type throws, and that counts.
    private func rawValue(_ name: SettingName) -> String? {
        let key = AbsoluteConfigKey(ConfigKey(name.key))
        for provider in providers {
            var heldAsAnotherType = false
            for type in [ConfigType.string, .int, .double, .bool] {
                do {
                    if let value = try provider.value(forKey: key, type: type).value {
                        return value.isSecret ? "<secret>" : Self.text(of: value.content)
                    }
                } catch {
                    heldAsAnotherType = true
                }
            }
            if heldAsAnotherType { return "a list or an object" }
        }
        return nil
    }

    private static func text(of content: ConfigContent) -> String {
        switch content {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: "a list"
        }
    }
}
