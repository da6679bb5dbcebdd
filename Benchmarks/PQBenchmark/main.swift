print("pq-benchmark: not built yet")
