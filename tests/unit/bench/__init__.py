"""Tests of the DuckDB side of the benchmark (bench/)."""
