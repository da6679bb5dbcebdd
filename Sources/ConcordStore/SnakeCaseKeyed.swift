/// A value whose `CodingKeys` spell its API field names in snake_case, as do those of every value inside it, so
/// the API can encode it without a key strategy. The strategy cost a tenth of the API's CPU on the initiative
/// read (Benchmarks/api): Foundation builds the coding path of every key of every response to call it.
/// `CodingKeys` must be public and list each case as `JSONCoding.snakeCase` would name it (a test checks).
public protocol SnakeCaseKeyed: Encodable {
    associatedtype CodingKeys: CodingKey, CaseIterable, RawRepresentable<String>
}
