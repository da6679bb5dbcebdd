/// The queue job run that claims nudges for sending: its job id and attempt. A claim whose run is no longer
/// running (finished, or taken back by the queue when its lease lapsed) has no live sender.
public struct NudgeClaimant: Sendable, Hashable {
    public let jobID: Int64
    public let attempt: Int

    public init(jobID: Int64, attempt: Int) {
        self.jobID = jobID
        self.attempt = attempt
    }
}
