"""The worker processes: the pool that feeds them tasks and enforces deadlines, and the worker itself."""
