print("cme-tracker: not yet")
