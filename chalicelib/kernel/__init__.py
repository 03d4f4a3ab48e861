"""Small rules every context shares: text folding, money rounding, month arithmetic.

Pure functions only (no I/O, no AWS, no imports from a context), so any context may use them.
"""
