print("concord-worker: not built yet")
