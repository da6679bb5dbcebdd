import Foundation

/// The alignment index an initiative needs before it may go further: from initiating to developing, and from
/// developing to implementing ("gain the support of all appropriate leaders before going too far down the
/// road").
public struct AlignmentGate: Sendable, Hashable {
    /// The index required, 0...1.
    public let threshold: Decimal

    public init(threshold: Decimal) {
        self.threshold = threshold
    }

    /// The gate of an initiative: its own when it has one, else its organisation's.
    public init(initiative: Decimal?, organisation: Decimal) {
        self.init(threshold: initiative ?? organisation)
    }

    /// A move forward that enters developing or implementing, or jumps over them, passes the gate. Moving back,
    /// or on from implementing, does not.
    public static func gates(from current: Stage, to target: Stage) -> Bool {
        target.order > current.order && target.order >= Stage.developing.order
            && current.order < Stage.implementing.order
    }

    /// True when `index` meets the gate. No required leader means no data, which meets only a zero gate.
    public func admits(index: Decimal?) -> Bool {
        threshold <= 0 || (index ?? 0) >= threshold
    }
}

extension Stage {
    /// Position in the life of an initiative, earliest first.
    public var order: Int { Self.allCases.firstIndex(of: self)! }
}
