"""The domain: tasks, the lifecycle engine, credits, limits, faults, the journal and resources."""
