import Foundation

/// Why a BI access change was refused; each message names what to fix.
public enum BIAccessError: Error, Equatable, CustomStringConvertible {
    case invalidRoleName(String, String)
    case invalidSetting(String)
    /// The role exists but is not a BI login (it could be an app role or a person's): never touched.
    case notABILogin(String)
    case noSuchRole(String)
    case unknownOrganisations([UUID])
    case noOrganisations

    public var description: String {
        switch self {
        case .invalidRoleName(let name, let why): "invalid BI role name '\(name)': \(why)"
        case .invalidSetting(let why): why
        case .notABILogin(let name): "role '\(name)' exists and is not a BI login (a member of concord_bi); left alone"
        case .noSuchRole(let name): "no BI login role '\(name)'"
        case .unknownOrganisations(let ids):
            "no such organisation: \(ids.map(\.uuidString).map { $0.lowercased() }.joined(separator: ", "))"
        case .noOrganisations: "no organisation to grant: pass --org (repeatable) or --all-organisations"
        }
    }
}
