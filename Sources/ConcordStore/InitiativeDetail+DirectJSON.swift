import DirectJSON
import Foundation

// The initiative read's response writes itself into the API's JSON bytes (see `DirectJSONWritable`): field
// names come from each type's `CodingKeys`, and `InitiativeDetailJSONTests` holds every field to what the
// synthesized `encode(to:)` writes.

extension InitiativeDetail: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        try object.field(CodingKeys.initiative.stringValue, initiative)
        try object.field(CodingKeys.leadArea.stringValue, leadArea)
        try object.field(CodingKeys.supportingAreas.stringValue, supportingAreas)
        try object.field(CodingKeys.requiredLeaders.stringValue, requiredLeaders)
        try object.field(CodingKeys.alignment.stringValue, alignment)
        try object.field(CodingKeys.gate.stringValue, gate)
        try object.field(CodingKeys.timeToAlignment.stringValue, timeToAlignment)
        try object.field(CodingKeys.supportDrops.stringValue, supportDrops)
    }
}

extension Initiative: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.id.stringValue, id)
        object.field(CodingKeys.title.stringValue, title)
        object.field(CodingKeys.description.stringValue, description)
        object.field(CodingKeys.leadAreaID.stringValue, leadAreaID)
        object.field(CodingKeys.sponsorLeaderID.stringValue, sponsorLeaderID)
        object.field(CodingKeys.importance.stringValue, importance)
        object.field(CodingKeys.stage.stringValue, stage.rawValue)
        object.field(CodingKeys.health.stringValue, health.rawValue)
        try object.field(CodingKeys.startDate.stringValue, encodingIfPresent: startDate)
        try object.field(CodingKeys.targetDate.stringValue, encodingIfPresent: targetDate)
        object.field(CodingKeys.revisitCadenceDays.stringValue, revisitCadenceDays)
        object.field(CodingKeys.quietAfterDays.stringValue, quietAfterDays)
        // The property wrapper writes nil as null rather than leaving the field out.
        if let alignmentGate {
            object.field(CodingKeys.alignmentGate.stringValue, DecimalString.format(alignmentGate))
        } else {
            object.null(CodingKeys.alignmentGate.stringValue)
        }
        object.field(CodingKeys.lastActivityAt.stringValue, lastActivityAt)
        object.field(CodingKeys.stageChangedAt.stringValue, stageChangedAt)
        object.field(CodingKeys.archivedAt.stringValue, archivedAt)
        object.field(CodingKeys.createdAt.stringValue, createdAt)
        object.field(CodingKeys.updatedAt.stringValue, updatedAt)
        object.field(CodingKeys.version.stringValue, version)
    }
}

extension Area: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.id.stringValue, id)
        object.field(CodingKeys.name.stringValue, name)
        object.field(CodingKeys.parentID.stringValue, parentID)
        object.field(CodingKeys.headLeaderID.stringValue, headLeaderID)
        object.field(CodingKeys.externalKey.stringValue, externalKey)
        object.field(CodingKeys.archivedAt.stringValue, archivedAt)
        object.field(CodingKeys.createdAt.stringValue, createdAt)
        object.field(CodingKeys.updatedAt.stringValue, updatedAt)
        object.field(CodingKeys.version.stringValue, version)
    }
}

extension SupportingAreaDetail: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        try object.field(CodingKeys.area.stringValue, area)
        object.field(CodingKeys.support.stringValue, support)
        object.field(CodingKeys.accountableLeaderID.stringValue, accountableLeaderID)
    }
}

extension RequiredLeader: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.leaderID.stringValue, leaderID)
        object.field(CodingKeys.name.stringValue, name)
        object.field(CodingKeys.areaID.stringValue, areaID)
        try object.field(CodingKeys.latestRating.stringValue, latestRating)
    }
}

extension RatingRecord: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.id.stringValue, id)
        object.field(CodingKeys.initiativeID.stringValue, initiativeID)
        object.field(CodingKeys.leaderID.stringValue, leaderID)
        object.field(CodingKeys.priority.stringValue, priority)
        object.field(CodingKeys.buyIn.stringValue, buyIn?.rawValue)
        object.field(CodingKeys.resistanceNote.stringValue, resistanceNote)
        object.field(CodingKeys.source.stringValue, source.rawValue)
        object.field(CodingKeys.ratedAt.stringValue, ratedAt)
        object.field(CodingKeys.recordedBy.stringValue, recordedBy)
    }
}

extension AlignmentSummary: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.index.stringValue, index)
        object.field(CodingKeys.revisitWindowDays.stringValue, revisitWindowDays)
        object.field(CodingKeys.required.stringValue, required)
        object.field(CodingKeys.aligned.stringValue, aligned)
        object.field(CodingKeys.outOfLine.stringValue, outOfLine)
        object.field(CodingKeys.stale.stringValue, stale)
        object.field(CodingKeys.missing.stringValue, missing)
        object.field(CodingKeys.resisting.stringValue, resisting)
        try object.field(CodingKeys.spread.stringValue, spread)
    }
}

extension AlignmentSummary.Spread: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.count.stringValue, count)
        object.field(CodingKeys.min.stringValue, min)
        object.field(CodingKeys.max.stringValue, max)
        object.field(CodingKeys.mean.stringValue, mean)
        try object.field(CodingKeys.standardDeviation.stringValue, standardDeviation)
    }
}

extension GateStatus: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        // The property wrapper writes the threshold as a string.
        object.field(CodingKeys.threshold.stringValue, DecimalString.format(threshold))
        object.field(CodingKeys.source.stringValue, source)
        object.field(CodingKeys.met.stringValue, met)
        try object.field(CodingKeys.notAlignedLeaders.stringValue, notAlignedLeaders)
    }
}

extension NotAlignedLeader: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.leaderID.stringValue, leaderID)
        object.field(CodingKeys.name.stringValue, name)
        object.field(CodingKeys.status.stringValue, status)
    }
}

extension TimeToAlignment: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        try object.field(CodingKeys.createdOn.stringValue, encoding: createdOn)
        try object.field(CodingKeys.firstReachedOn.stringValue, encodingIfPresent: firstReachedOn)
        object.field(CodingKeys.daysToAlignment.stringValue, daysToAlignment)
        object.field(CodingKeys.daysSoFar.stringValue, daysSoFar)
    }
}

extension SupportDropRecord: DirectJSONWritable {
    public func writeFields(into object: inout JSONObjectWriter) throws {
        object.field(CodingKeys.leaderID.stringValue, leaderID)
        object.field(CodingKeys.name.stringValue, name)
        object.field(CodingKeys.previousPriority.stringValue, previousPriority)
        object.field(CodingKeys.priority.stringValue, priority)
        object.field(CodingKeys.previousBuyIn.stringValue, previousBuyIn?.rawValue)
        object.field(CodingKeys.buyIn.stringValue, buyIn?.rawValue)
        object.field(CodingKeys.ratedAt.stringValue, ratedAt)
        object.field(CodingKeys.priorityDrop.stringValue, priorityDrop)
        object.field(CodingKeys.buyInWentBack.stringValue, buyInWentBack)
    }
}
