import ConcordDomain
import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// The kept first-reached day (`alignment_first_reached`, written by triggers; migration 0016) and what
/// `app.time_to_alignment` serves are the day `bi.alignment_trend` gives from the rating history, after every
/// step of a random sequence of the writes that can move it, made as the API role under row-level security.
/// Seeded (`CONCORD_FUZZ_SEED=<n>` replays another sequence); small sizes.
@Suite struct FirstReachedPropertyTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CONCORD_FUZZ_SEED"].flatMap(UInt64.init) ?? 12

    /// The world the steps pick from.
    struct World {
        let areas: [UUID]
        let leaders: [UUID]
        let initiatives: [UUID]
    }

    @Test func theKeptDayEqualsTheHistoryAfterRandomChanges() async throws {
        let fixture = try await StoreFixture.make()
        let world = try await Self.seedWorld(fixture)
        var random = SplitMix64(seed: Self.seed)
        var applied = 0
        for step in 0..<60 {
            let change = Self.change(&random, world)
            do {
                _ = try await fixture.write { try await $0.transaction.execute(change) }
                applied += 1
            } catch is StoreError {
                // A random change may break a rule of the schema (say, a supporting area that is the lead):
                // rolled back, the state to check is the one before.
            } catch let error as PostgresError where error.kind != .insufficientPrivilege {
                // The same for a rule a trigger enforces; a privilege the API role lacks is a real failure.
            }
            try await Self.expectExact(fixture, step: step, change: change)
        }
        #expect(applied >= 40, "seed \(Self.seed): only \(applied) of 60 random changes applied")
    }

    /// Four areas with heads, two more leaders, three initiatives created 40 days ago with ratings.
    static func seedWorld(_ fixture: StoreFixture) async throws -> World {
        var areas: [UUID] = []
        var leaders: [UUID] = []
        for name in ["IT", "Quality", "Sales", "HR"] {
            let (area, head) = try await fixture.areaWithHead(name, head: "Head of \(name)")
            areas.append(area.id)
            leaders.append(head.id)
        }
        for name in ["Ada", "Grace"] {
            leaders.append(try await fixture.leader(name).id)
        }
        var initiatives: [UUID] = []
        for (index, title) in ["ERP", "CRM", "BI"].enumerated() {
            let initiative = try await fixture.initiative(
                title, lead: areas[index], importance: 3,
                supporting: [SupportingArea(areaID: areas[index + 1], support: "test")])
            initiatives.append(initiative.id)
        }
        _ = try await fixture.write {
            try await $0.transaction.execute(
                "UPDATE initiatives SET created_at = now() - interval '40 days' WHERE org_id = app.current_org()")
        }
        return World(areas: areas, leaders: leaders, initiatives: initiatives)
    }

    /// One random write of what the day depends on.
    static func change(_ random: inout SplitMix64, _ world: World) -> SQL {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        let initiative = pick(world.initiatives)
        switch random.next() % 12 {
        case 0...4:
            // A rating, back-dated up to 45 days (some before the initiative existed), now and then ahead.
            let hoursAgo = random.next() % 8 == 0 ? -int(1...72) : int(0...(45 * 24))
            return """
                INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, source, rated_at)
                VALUES (app.current_org(), \(initiative)::uuid, \(pick(world.leaders))::uuid, \(int(1...5))::int4,
                        'import', now() - \(hoursAgo)::int4 * interval '1 hour')
                """
        case 5:
            return """
                UPDATE initiatives SET importance = \(int(1...5))::int4
                WHERE org_id = app.current_org() AND id = \(initiative)::uuid
                """
        case 6:
            let gate = pick([nil, Decimal(0), Decimal(string: "0.34"), Decimal(string: "0.5"), Decimal(1)])
            if random.next() % 2 == 0 {
                return
                    "UPDATE organisations SET alignment_gate = \(gate ?? 1)::numeric WHERE org_id = app.current_org()"
            }
            return """
                UPDATE initiatives SET alignment_gate = \(gate)::numeric
                WHERE org_id = app.current_org() AND id = \(initiative)::uuid
                """
        case 7:
            let days = pick([1, 3, 10, 30])
            if random.next() % 2 == 0 {
                return "UPDATE organisations SET revisit_cadence_days = \(days)::int4 WHERE org_id = app.current_org()"
            }
            let own: Int? = random.next() % 3 == 0 ? nil : days
            return """
                UPDATE initiatives SET revisit_cadence_days = \(own)::int4
                WHERE org_id = app.current_org() AND id = \(initiative)::uuid
                """
        case 8:
            let head: UUID? = random.next() % 4 == 0 ? nil : pick(world.leaders)
            return """
                UPDATE areas SET head_leader_id = \(head)::uuid
                WHERE org_id = app.current_org() AND id = \(pick(world.areas))::uuid
                """
        case 9:
            let archived = random.next() % 2 == 0
            return """
                UPDATE leaders SET archived_at = CASE WHEN \(archived)::bool THEN now() END
                WHERE org_id = app.current_org() AND id = \(pick(world.leaders))::uuid
                """
        case 10:
            let area = pick(world.areas)
            switch random.next() % 3 {
            case 0:
                return """
                    INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support,
                                                             accountable_leader_id)
                    VALUES (app.current_org(), \(initiative)::uuid, \(area)::uuid, 'test', \(pick(world.leaders))::uuid)
                    """
            case 1:
                return """
                    DELETE FROM initiative_supporting_areas
                    WHERE org_id = app.current_org() AND initiative_id = \(initiative)::uuid AND area_id = \(area)::uuid
                    """
            default:
                return """
                    UPDATE initiatives SET lead_area_id = \(area)::uuid
                    WHERE org_id = app.current_org() AND id = \(initiative)::uuid
                    """
            }
        default:
            if random.next() % 2 == 0 {
                let zone = pick(["UTC", "Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles"])
                return "UPDATE organisations SET timezone = \(zone) WHERE org_id = app.current_org()"
            }
            let archivedDaysAgo: Int? = random.next() % 2 == 0 ? nil : int(0...20)
            return """
                UPDATE initiatives SET archived_at = now() - \(archivedDaysAgo)::int4 * interval '1 day'
                WHERE org_id = app.current_org() AND id = \(initiative)::uuid
                """
        }
    }

    /// Per initiative: the day from the trend, what app.time_to_alignment serves, and the kept row (which every
    /// initiative must have, and which must be right whenever it vouches for now()).
    static func expectExact(_ fixture: StoreFixture, step: Int, change: SQL) async throws {
        let connection = try await Connection.connect(fixture.database.conninfo)
        defer { Task { await connection.close() } }
        let rows = try await connection.query(
            """
            SELECT i.title,
                   (SELECT min(t.day) FROM bi.alignment_trend AS t
                    WHERE t.org_id = i.org_id AND t.initiative_id = i.id
                      AND coalesce(t.alignment_index, 0) >= coalesce(i.alignment_gate, o.alignment_gate))::text
                     AS from_history,
                   a.first_reached_on::text AS served,
                   k.first_reached_on::text AS kept,
                   k.initiative_id IS NOT NULL AS has_row,
                   coalesce(k.computed_at <= now() AND (k.valid_until IS NULL OR now() < k.valid_until), false)
                     AS vouches
            FROM initiatives AS i
            JOIN organisations AS o ON o.org_id = i.org_id
            JOIN app.time_to_alignment AS a ON a.org_id = i.org_id AND a.initiative_id = i.id
            LEFT JOIN alignment_first_reached AS k ON k.org_id = i.org_id AND k.initiative_id = i.id
            WHERE i.org_id = \(fixture.organisation.id)::uuid
            ORDER BY i.title
            """)
        #expect(rows.count == 3)
        for row in rows {
            let title = try row.decode("title", as: String.self)
            let fromHistory = try row.decode("from_history", as: String?.self)
            let context = "seed \(seed), step \(step), \(title), after: \(change.text)"
            #expect(try row.decode("served", as: String?.self) == fromHistory, "\(context)")
            #expect(try row.decode("has_row", as: Bool.self), "\(context)")
            if try row.decode("vouches", as: Bool.self) {
                #expect(try row.decode("kept", as: String?.self) == fromHistory, "\(context)")
            }
        }
    }
}
