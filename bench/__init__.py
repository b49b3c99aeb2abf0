"""Benchmarks of the coach: latency, growth, durability, start-up, dispatch and timeliness."""
