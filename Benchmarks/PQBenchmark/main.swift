// pq-benchmark: reads through the PQ wrapper's pool at a fixed concurrency, for comparison with pgbench.
//
// Run by Benchmarks/pq-vs-pgbench, which starts the server, fills `bench_items` and runs pgbench with the
// same statements; see Benchmarks/README.md. Usage:
//
//     pq-benchmark --conninfo 'host=127.0.0.1 port=5432 dbname=bench user=postgres' \
//         --mode read|tenant --clients 32 --duration 15 --warmup 3 --rows 100000
import Foundation
import PQ

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("pq-benchmark: \(error)\n\(BenchmarkOptions.usage)\n".utf8))
    exit(2)
}

do {
    let report = try await Benchmark(options).run()
    print(report.summary(options))
} catch {
    FileHandle.standardError.write(Data("pq-benchmark: \(error)\n".utf8))
    exit(1)
}
