"""Benchmarks: run as modules (`python -m benchmarks.crawl`), never as tests."""
