import PQ

/// The longest a request may take while there is no primary without being a hang: it may wait for a pool slot
/// up to the acquire timeout, then try each host of `deploy/primary-standby`'s multi-host URL once, each bounded
/// by that URL's `connect_timeout`. Anything longer means a wait nothing bounds.
public enum FailoverBound {
    public static let hosts = 2
    public static let connectTimeout: Duration = .seconds(3)

    public static var longestRequest: Duration {
        PoolConfiguration(conninfo: "").acquireTimeout + connectTimeout * hosts
    }
}
