import CLibPQ

extension Connection {
    /// The password verifier the server would store for `password` (SCRAM-SHA-256 unless the server's
    /// `password_encryption` says otherwise), computed by libpq on this side: a `CREATE ROLE … PASSWORD`
    /// with it never carries the password itself to the server or its statement log.
    public func encryptPassword(_ password: String, role: String) async throws -> String {
        try await withUnsafeHandle { handle in
            guard let encrypted = PQencryptPasswordConn(handle, password, role, nil) else {
                throw PostgresError(.client, message: String(cString: PQerrorMessage(handle)))
            }
            defer { PQfreemem(encrypted) }
            return String(cString: encrypted)
        }
    }
}
