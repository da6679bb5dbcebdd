print("concord-api: not built yet")
