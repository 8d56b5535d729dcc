"""Evals on prompt changes: the real operations for two or more prompt versions on the same cases, scored
side by side (`jianshi eval`). dataset → tasks (solver + scorers) → runner → summary, report."""
