"""The ground floor: small helpers every layer may use (per-key locks, JSON read with limits,
the names things are known by); it imports nothing of the app, so anything may import it.
"""
